import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TesseraError } from '../../agent-sdk/errors.js';
import { validateConfig } from '../config.js';
import { createLogger } from '../log.js';
import type { CliCommand } from './command.js';
import { startCa } from './commands.js';
import { type LogLevel, dataDirOf, hostPortArg, logLevelOption } from './options.js';

interface Options {
  config?: string;
  dataDir?: string;
  trustDomain?: string;
  policy?: string;
  listen?: string;
  mtlsListen?: string;
  socket?: string;
  logLevel: LogLevel;
}

/** `tessera ca start`: runs the CA in the foreground until SIGTERM or SIGINT. */
export const caStart: CliCommand<Options> = {
  path: ['ca', 'start'],
  define: (cmd) => cmd
    .summary('run the CA in the foreground until SIGTERM or SIGINT')
    .description('Runs the CA in the foreground until SIGTERM or SIGINT. Prints one JSON line with its addresses once it listens; logs JSON lines on stderr.\nA setting comes from its flag, else the --config file, else the default; the data directory falls back to $TESSERA_DATA_DIR, then ./.data.')
    .option('--config <file>', 'a JSON configuration file (see docs/operations.md)')
    .option('--data-dir <dir>', 'where the CA keeps its store, keys and admin socket')
    .option('--trust-domain <td>', 'the trust domain (default: tessera.local)')
    .option('--policy <file>', 'a JSON policy file, reloaded when it changes')
    .option('--listen <host:port>', 'the public TLS listener (attestation, activation, bundle)', hostPortArg)
    .option('--mtls-listen <host:port>', 'the mutual-TLS listener (spawn, renewal, tokens)', hostPortArg)
    .option('--socket <path>', 'the admin socket (default: <data dir>/admin.sock)')
    .addOption(logLevelOption()),
  async run(opts, _operands, ctx) {
    const file = opts.config ? await readConfigFile(opts.config) : {};
    const config = validateConfig({
      ...file,
      // Precedence: flag, then file, then $TESSERA_DATA_DIR, then ./.data.
      dataDir: opts.dataDir || typeof file.dataDir !== 'string' ? dataDirOf(opts, ctx) : file.dataDir,
      ...(opts.trustDomain && { trustDomain: opts.trustDomain }),
      ...(opts.listen && { publicAddress: opts.listen }),
      ...(opts.mtlsListen && { mtlsAddress: opts.mtlsListen }),
      ...(opts.socket && { adminSocket: opts.socket }),
      ...(opts.policy && { policyFile: resolve(opts.policy) }),
    });
    return startCa(config, createLogger(opts.logLevel), ctx.stopRequested(), ctx.io);
  },
};

/** @throws {TesseraError} ERR_CONFIG_INVALID naming the file when it cannot be read or is not a JSON object. */
async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new TesseraError('ERR_CONFIG_INVALID', `${path}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TesseraError('ERR_CONFIG_INVALID', `${path}: must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
