import { InvalidArgumentError } from 'commander';
import { constants } from 'node:os';
import type { CliCommand } from './command.js';
import { type LogLevel, logLevelOption } from './options.js';

interface Options {
  dir?: string;
  signal?: NodeJS.Signals;
  logLevel: LogLevel;
}

/** `tessera run`: an agent identity as files, for programs that only read files. */
export const run: CliCommand<Options> = {
  path: ['run'],
  define: (cmd) => cmd
    .summary('hold an agent identity as files for a program that reads files')
    .description('Redeems the spawn ticket its orchestrator put in the environment, writes svid.pem, key.pem (0600) and bundle.pem into a private directory (TESSERA_SVID_DIR for CMD), rewrites them on every rotation, and releases the identity when CMD exits. Exits with CMD\'s status.')
    .argument('<command...>', 'the program and its arguments, after --')
    .option('--dir <dir>', 'where to keep the files (default: a fresh private directory, removed at the end)')
    .option('--signal <name>', 'a signal to send CMD after every rewrite, such as SIGHUP', signalArg)
    .addOption(logLevelOption()),
  async run(opts, operands, ctx) {
    const [command, ...args] = operands.flat();
    const [{ runWithSvidFiles }, { createLogger }] = await Promise.all([import('../../workload-agent/svid-files.js'), import('../log.js')]);
    return runWithSvidFiles({ command: command!, args, dir: opts.dir, signal: opts.signal, log: createLogger(opts.logLevel) }, ctx.stopRequested());
  },
};

function signalArg(value: string): NodeJS.Signals {
  if (!(value in constants.signals)) throw new InvalidArgumentError('allowed: a signal name such as SIGHUP or SIGUSR1.');
  return value as NodeJS.Signals;
}
