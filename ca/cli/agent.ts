import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { OrchestratorAttestor } from '../../agent-sdk/attestor.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { x509popClientFromFiles } from '../../node-attestor/x509pop/files.js';
import { createLogger } from '../log.js';
import { runAgent } from '../../workload-agent/run-agent.js';
import { parseEndpointSocket } from '../../workload-agent/endpoint.js';
import type { CliCommand } from './command.js';
import { type LogLevel, durationArg, hostPortArg, logLevelOption } from './options.js';

interface Options {
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
export const agent: CliCommand<Options> = {
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
    const [command, ...args] = operands.flat();
    return runAgent({
      endpoints: { address: opts.ca, mtlsAddress: opts.caMtls },
      trustDomain: opts.trustDomain,
      bundlePem: await readFile(resolve(opts.bundle), 'utf8'),
      attestor: await attestorOf(opts),
      socketPath: opts.socket,
      workload: { command: command!, args, taskId: opts.task, sponsor: opts.sponsor, scopes: opts.scope, ttlMs: opts.ttl },
      log: createLogger(opts.logLevel),
    }, ctx.io.out, ctx.stopRequested());
  },
};

/** Exactly one node attestor: a join token, or x509pop (certificate and key). */
async function attestorOf(opts: Options): Promise<OrchestratorAttestor> {
  const x509pop = opts.x509popCert !== undefined || opts.x509popKey !== undefined;
  if (x509pop === (opts.joinTokenFile !== undefined)) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', 'give exactly one attestor: --join-token-file, or --x509pop-cert with --x509pop-key');
  }
  if (!x509pop) return joinTokenClient((await readFile(resolve(opts.joinTokenFile!), 'utf8')).trim());
  if (opts.x509popCert === undefined || opts.x509popKey === undefined) throw new TesseraError('ERR_INVALID_ARGUMENT', '--x509pop-cert and --x509pop-key go together');
  return x509popClientFromFiles({ certFile: resolve(opts.x509popCert), keyFile: resolve(opts.x509popKey) });
}

function parseSocketArg(value: string): string {
  try {
    return parseEndpointSocket(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}
