import { Option } from 'commander';
import { type CaConfigOptions, addCaConfigOptions, caConfigFrom } from './ca-config.js';
import type { CliCommand } from './command.js';
import { LOG_FORMATS, type LogFormat, type LogLevel, hostPortArg, logLevelOption } from './options.js';

interface Options extends CaConfigOptions {
  logLevel: LogLevel;
  logFormat: LogFormat;
  metricsListen?: string;
}

/** `tessera ca start`: runs the CA in the foreground until SIGTERM or SIGINT. */
export const caStart: CliCommand<Options> = {
  path: ['ca', 'start'],
  define: (cmd) => addCaConfigOptions(cmd
    .summary('run the CA in the foreground until SIGTERM or SIGINT')
    .description('Runs the CA in the foreground until SIGTERM or SIGINT. Prints one JSON line with its addresses once it listens; logs on stderr.\nA setting comes from its flag, else the --config file, else the default; the data directory falls back to $TESSERA_DATA_DIR, then ./.data.\nEverything is checked before the CA makes keys or opens its store.'))
    .option('--console-listen <host:port>', 'serve the read-only web console (docs/console.md): loopback only, unless console.operators in --config names who may connect over mutual TLS', hostPortArg)
    .option('--metrics-listen <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (plain HTTP: loopback or a monitoring network)', hostPortArg)
    .addOption(logLevelOption())
    .addOption(new Option('--log-format <format>', 'json lines, or text for a terminal').choices(LOG_FORMATS).default('json')),
  async run(opts, _operands, ctx) {
    const config = await caConfigFrom(opts, ctx);
    const [{ startCa }, { createLogger, textDestination }] = await Promise.all([import('./commands.js'), import('../log.js')]);
    const log = createLogger(opts.logLevel, opts.logFormat === 'text' ? textDestination(ctx.io.err) : undefined);
    return startCa(config, { log, ...(opts.metricsListen && { metricsAddress: opts.metricsListen }) }, ctx.stopRequested(), ctx.io);
  },
};
