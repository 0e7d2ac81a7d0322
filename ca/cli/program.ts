// The dispatcher: builds the command tree from the registry and runs one
// command line. It knows no command; every command brings its own options.
import { Command, CommanderError } from 'commander';
import { TesseraError } from '../../agent-sdk/errors.js';
import { CaUnreachableError } from '../ca-unreachable.js';
import type { CliCommand, CliContext } from './command.js';

/** Exit status of a command line that does not parse (unknown command or option, extra operand). */
const USAGE_ERROR = 2;

// Commander's codes for a value that is missing or refused: reported as ERR_INVALID_ARGUMENT, exit status 1.
const BAD_VALUE = new Set([
  'commander.invalidArgument', 'commander.missingArgument', 'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue', 'commander.conflictingOption',
]);

/** The `tessera` command tree: one subcommand per entry of `commands`, grouped by their first words. */
export function buildProgram(commands: ReadonlyArray<CliCommand<never>>, ctx: CliContext, version: string): { program: Command; exitStatus(): number; failedIn(): string } {
  let status = 0;
  // Which command refused the line, for the hint to its help.
  let failedIn = 'tessera';
  const recordFailure = (cmd: Command) => ({ outputError: () => void (failedIn = fullName(cmd)) });
  const program = new Command('tessera')
    .description('Tessera: a SPIFFE workload identity authority for AI agents.')
    .version(version, '-V, --version', 'print the version')
    .helpCommand(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.out(s.replace(/\n$/, '')),
      writeErr: (s) => ctx.io.err(s.replace(/\n$/, '')),
    });
  program.configureOutput(recordFailure(program));
  for (const command of commands) {
    let parent = program;
    for (const word of command.path.slice(0, -1)) {
      parent = parent.commands.find((c) => c.name() === word) ?? addGroup(parent, word);
    }
    const cmd = parent.command(command.path.at(-1)!);
    cmd.configureOutput(recordFailure(cmd));
    command.define(cmd);
    cmd.action(async (...args: unknown[]) => {
      const self = args.at(-1) as Command;
      status = await command.run(self.opts() as never, self.processedArgs as string[], ctx, self);
    });
  }
  // A group's summary names its subcommands: "ca: start, init".
  for (const group of program.commands.filter((c) => c.commands.length > 0)) {
    group.summary(`${group.commands.map((c) => c.name()).join(', ')}`);
  }
  function addGroup(parent: Command, word: string): Command {
    const group = parent.command(word).helpCommand(false);
    return group.configureOutput(recordFailure(group));
  }
  return { program, exitStatus: () => status, failedIn: () => failedIn };
}

function fullName(cmd: Command): string {
  return cmd.parent ? `${fullName(cmd.parent)} ${cmd.name()}` : cmd.name();
}

/**
 * Runs one command line (`argv` without node and the script) and resolves with
 * the exit status: 0 done, 1 failed or a refused value, 2 a command line that
 * does not parse. Errors are written to `ctx.io.err` with their code; never throws.
 */
export async function runProgram(commands: ReadonlyArray<CliCommand<never>>, argv: string[], ctx: CliContext, version: string): Promise<number> {
  const { program, exitStatus, failedIn } = buildProgram(commands, ctx, version);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitStatus();
  } catch (err) {
    if (err instanceof CommanderError) return reportUsage(err, failedIn(), ctx);
    if (err instanceof TesseraError) {
      ctx.io.err(`tessera: ${err.code}: ${err.message}`);
      if (err instanceof CaUnreachableError) {
        ctx.io.err('  Is the CA running? Point at its admin socket with --socket PATH, or at its data directory with --data-dir DIR or $TESSERA_DATA_DIR.');
      }
      return 1;
    }
    ctx.io.err(`tessera: ${(err as Error).message}`);
    return 1;
  }
}

function reportUsage(err: CommanderError, command: string, ctx: CliContext): number {
  // --help and --version end parsing with exit code 0; a bare group (`tessera agents`) prints its help.
  if (err.exitCode === 0 || err.code === 'commander.help') return err.exitCode === 0 ? 0 : USAGE_ERROR;
  const message = err.message.replace(/^error: /, '');
  if (BAD_VALUE.has(err.code)) {
    ctx.io.err(`tessera: ERR_INVALID_ARGUMENT: ${message} (see ${command} --help)`);
    return 1;
  }
  ctx.io.err(`tessera: ${message} (see ${command} --help)`);
  return USAGE_ERROR;
}
