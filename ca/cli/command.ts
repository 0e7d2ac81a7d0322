import type { Command } from 'commander';
import type { Output } from './commands.js';

/**
 * What a command gets from main.ts, the only module that reads argv and the
 * environment: where to write, the environment's defaults, and the signal to stop.
 */
export interface CliContext {
  readonly io: Output;
  /** $TESSERA_DATA_DIR, when set. */
  readonly envDataDir: string | undefined;
  /** The environment, for settings a config file names by variable (the gateway's join token and upstream secrets). */
  readonly env?: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGTERM, SIGINT); a long-running command calls it once and awaits it. */
  stopRequested(): Promise<unknown>;
}

/**
 * One `tessera` command: the words that run it, its options and their checks
 * (declared on the parser, so help, errors and the CLI reference come from one
 * place), and what it does. The dispatcher (program.ts) knows nothing else of it.
 *
 * Every command line loads every command's file to build the parser, so a
 * command file imports only commander and the option helpers; `run` imports
 * the implementation (gRPC clients, the store, the server) when the command
 * runs. Otherwise `tessera --version` pays for all of them
 * (test/integration/cli-startup.test.ts names what it may not load).
 *
 * @example
 * export const tokenCreate: CliCommand<{ orchestrator: string }> = {
 *   path: ['token', 'create'],
 *   define: (cmd) => cmd.summary('make a join token').requiredOption('--orchestrator <name>', 'its name'),
 *   async run(opts, operands, ctx) {
 *     const { createToken } = await import('./commands.js');
 *     return createToken(...);
 *   },
 * };
 */
export interface CliCommand<Options = Record<string, unknown>> {
  /** The words that run it: ['token', 'create'] is `tessera token create`. */
  readonly path: readonly [string, ...string[]];
  /** Declares the summary, operands and options (with their parsers) on `cmd`. */
  define(cmd: Command): void;
  /** Runs the command with the parsed, checked values; resolves with the exit status. `command` is its place in the tree (for `completion`). */
  run(options: Options, operands: string[], ctx: CliContext, command: Command): Promise<number>;
}
