#!/usr/bin/env node
// The `tessera` command. The only module that reads argv and the environment:
// everything below gets plain, validated values.
import { buildInfo } from './build-info.js';
import type { CliContext } from './cli/command.js';
import { runProgram } from './cli/program.js';
import { COMMANDS } from './cli/registry.js';

// A reader that went away (`tessera audit list | head -1`) is not an error: stop quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const ctx: CliContext = {
  io: { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) },
  envDataDir: process.env.TESSERA_DATA_DIR || undefined,
  env: process.env,
  // Only a command that waits for it takes over SIGTERM and SIGINT; the others die of them as usual.
  stopRequested: () => new Promise((done) => {
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  }),
};

process.exitCode = await runProgram(COMMANDS, process.argv.slice(2), ctx, buildInfo.version);
