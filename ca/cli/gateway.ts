import { resolve } from 'node:path';
import type { CliCommand } from './command.js';
import { type LogLevel, hostPortArg, logLevelOption } from './options.js';

interface Options {
  config: string;
  metricsListen?: string;
  logLevel: LogLevel;
}

/** `tessera gateway`: the agent gateway (gateway/, docs/gateway.md). */
export const gateway: CliCommand<Options> = {
  path: ['gateway'],
  define: (cmd) => cmd
    .summary('run the agent gateway in front of tools and MCP servers')
    .description('Runs the agent gateway in the foreground until SIGTERM or SIGINT: attests to the CA with the join token its config names, then serves agents over mutual TLS. Prints one JSON line { listen, spiffeId, audience, metrics? } once it listens; a changed config file replaces the routes (a bad one is logged and ignored). See docs/gateway.md.')
    .requiredOption('--config <file>', 'the gateway config (JSON)')
    .option('--metrics-listen <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (plain HTTP: loopback or a monitoring network); wins over the config\'s metricsListen', hostPortArg)
    .addOption(logLevelOption()),
  async run(opts, _operands, ctx) {
    const [{ runGateway }, { createLogger }] = await Promise.all([import('../../gateway/commands.js'), import('../log.js')]);
    return runGateway(resolve(opts.config), {
      log: createLogger(opts.logLevel), env: ctx.env ?? {}, stop: ctx.stopRequested(), ...(opts.metricsListen && { metricsListen: opts.metricsListen }),
    }, ctx.io);
  },
};
