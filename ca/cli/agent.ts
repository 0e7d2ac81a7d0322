import { InvalidArgumentError, Option } from 'commander';
import { parseEndpointSocket } from '../../workload-agent/endpoint-socket.js';
import type { CliCommand } from './command.js';
import { type LogLevel, durationArg, hostPortArg, logLevelOption } from './options.js';

/** The options of `tessera agent`, as parsed. */
export interface AgentOptions {
  ca: string;
  caMtls: string;
  bundle: string;
  trustDomain: string;
  joinTokenFile?: string;
  x509popCert?: string;
  x509popKey?: string;
  socket: string;
  task: string;
  sponsor: string;
  scope?: string[];
  ttl?: number;
  logLevel: LogLevel;
}

/** `tessera agent`: the SPIFFE Workload API for the workload it starts (docs/workload-api.md). */
export const agent: CliCommand<AgentOptions> = {
  path: ['agent'],
  define: (cmd) => cmd
    .summary('serve the SPIFFE Workload API to a workload it starts')
    .description('Attests this host (a join token, or x509pop: a certificate and its key), serves the SPIFFE Workload API on a Unix socket, starts CMD with SPIFFE_ENDPOINT_SOCKET set and an agent identity for it, and releases that identity when CMD exits. Exits with CMD\'s status. Prints one JSON line once CMD runs.')
    .argument('<command...>', 'the workload and its arguments, after --')
    .requiredOption('--ca <host:port>', "the CA's public listener", hostPortArg)
    .requiredOption('--ca-mtls <host:port>', "the CA's mutual-TLS listener", hostPortArg)
    .requiredOption('--bundle <file>', "the CA's trust bundle, PEM (<data dir>/keys/root-cert.pem)")
    .option('--trust-domain <td>', 'the trust domain', 'tessera.local')
    .option('--join-token-file <file>', 'attest with the one-time join token in this file (`tessera token create`); never on the command line, where ps shows it')
    .option('--x509pop-cert <file>', 'attest with x509pop: this host\'s certificate chain, PEM, leaf first; its CN names the orchestrator, and it must chain to the CA\'s x509popRootsPem')
    .option('--x509pop-key <file>', 'the x509pop certificate\'s private key, PEM (ECDSA P-256 or Ed25519)')
    .requiredOption('--socket <unix-uri>', 'where to serve, as SPIFFE_ENDPOINT_SOCKET: unix:///run/tessera/agent.sock', parseSocketArg)
    .requiredOption('--task <id>', "the workload's task id")
    .requiredOption('--sponsor <id>', 'the human sponsor (an opaque user id)')
    .addOption(new Option('--scope <scope...>', "the task's scopes"))
    .option('--ttl <duration>', 'the SVID lifetime to ask for (default: the CA\'s)', durationArg(1000, 24 * 3_600_000))
    .addOption(logLevelOption()),
  async run(opts, operands, ctx) {
    const { startAgent } = await import('./agent-commands.js');
    return startAgent(opts, operands.flat(), ctx);
  },
};

function parseSocketArg(value: string): string {
  try {
    return parseEndpointSocket(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}
