import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
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
  joinTokenFile: string;
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
    .description('Attests this host with a join token, serves the SPIFFE Workload API on a Unix socket, starts CMD with SPIFFE_ENDPOINT_SOCKET set and an agent identity for it, and releases that identity when CMD exits. Exits with CMD\'s status. Prints one JSON line once CMD runs.')
    .argument('<command...>', 'the workload and its arguments, after --')
    .requiredOption('--ca <host:port>', "the CA's public listener", hostPortArg)
    .requiredOption('--ca-mtls <host:port>', "the CA's mutual-TLS listener", hostPortArg)
    .requiredOption('--bundle <file>', "the CA's trust bundle, PEM (<data dir>/keys/root-cert.pem)")
    .option('--trust-domain <td>', 'the trust domain', 'tessera.local')
    .requiredOption('--join-token-file <file>', 'a file holding the one-time join token (`tessera token create`); never on the command line, where ps shows it')
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
      joinToken: (await readFile(resolve(opts.joinTokenFile), 'utf8')).trim(),
      socketPath: opts.socket,
      workload: { command: command!, args, taskId: opts.task, sponsor: opts.sponsor, scopes: opts.scope, ttlMs: opts.ttl },
      log: createLogger(opts.logLevel),
    }, ctx.io.out, ctx.stopRequested());
  },
};

function parseSocketArg(value: string): string {
  try {
    return parseEndpointSocket(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}
