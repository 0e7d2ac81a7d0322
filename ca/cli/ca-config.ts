// The options that make a CA's configuration, shared by `ca start`, `ca init`
// and `config check`: one way to read them, so a check checks what a start uses.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { TesseraError } from '../../agent-sdk/errors.js';
import { type CaConfig, validateConfig } from '../config.js';
import { parseJsonFile } from '../json-file.js';
import type { CliContext } from './command.js';
import { dataDirOf, hostPortArg } from './options.js';

export interface CaConfigOptions {
  config?: string;
  dataDir?: string;
  trustDomain?: string;
  policy?: string;
  listen?: string;
  mtlsListen?: string;
  socket?: string;
  store?: string;
  /** `ca start --console-listen`: the console's address, over the config file's console.address. */
  consoleListen?: string;
}

/** Declares the configuration options on `cmd`. */
export function addCaConfigOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'a JSON configuration file (see docs/operations.md)')
    .option('--data-dir <dir>', 'where the CA keeps its store, keys and admin socket')
    .option('--trust-domain <td>', 'the trust domain (default: tessera.local)')
    .option('--policy <file>', 'a JSON policy file, reloaded when it changes')
    .option('--listen <host:port>', 'the public TLS listener (attestation, activation, bundle)', hostPortArg)
    .option('--mtls-listen <host:port>', 'the mutual-TLS listener (spawn, renewal, tokens)', hostPortArg)
    .option('--socket <path>', 'the admin socket (default: <data dir>/admin.sock)')
    .option('--store <url>', 'postgresql://... for CA replicas on one database (docs/ha.md), else $TESSERA_STORE; default: level in the data directory');
}

/** The store URL: --store, else $TESSERA_STORE (which keeps a database password off the command line), else none. */
export function storeUrlOf(opts: { store?: string }, ctx: CliContext): string | undefined {
  return opts.store || ctx.env?.TESSERA_STORE || undefined;
}

/**
 * The validated configuration: a setting's flag, else the --config file, else
 * the default; the data directory falls back to $TESSERA_DATA_DIR, then ./.data.
 * The policy file is read and checked too. Creates nothing.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID naming the file and every problem; ERR_POLICY_INVALID naming the policy file and where.
 */
export async function caConfigFrom(opts: CaConfigOptions, ctx: CliContext): Promise<CaConfig> {
  const file = opts.config ? await readConfigFile(opts.config) : {};
  const config = namingFile(opts.config, () => validateConfig({
    ...file,
    dataDir: opts.dataDir || typeof file.dataDir !== 'string' ? dataDirOf(opts, ctx) : file.dataDir,
    ...(opts.trustDomain && { trustDomain: opts.trustDomain }),
    ...(opts.listen && { publicAddress: opts.listen }),
    ...(opts.mtlsListen && { mtlsAddress: opts.mtlsListen }),
    ...(opts.socket && { adminSocket: opts.socket }),
    ...(opts.policy && { policyFile: resolve(opts.policy) }),
    ...(storeUrlOf(opts, ctx) && { store: storeUrlOf(opts, ctx) }),
    ...(opts.consoleListen && { console: { ...(isObject(file.console) && file.console), address: opts.consoleListen } }),
  }));
  // Loaded only when there is a policy to check: the CLI's other command lines never parse one.
  if (config.policyFile) await (await import('../policy/policy-source.js')).loadPolicyFile(config.policyFile, config);
  return config;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Runs `validate`; its ERR_CONFIG_INVALID names the configuration file the settings came from. */
function namingFile<T>(file: string | undefined, validate: () => T): T {
  try {
    return validate();
  } catch (err) {
    if (!file || !(err instanceof TesseraError) || err.code !== 'ERR_CONFIG_INVALID') throw err;
    throw new TesseraError('ERR_CONFIG_INVALID', err.message.replace(/^invalid configuration/, `invalid configuration (${file} and the flags)`));
  }
}

/** @throws {TesseraError} ERR_CONFIG_INVALID naming the file (and the line and column of a JSON syntax error). */
async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TesseraError('ERR_CONFIG_INVALID', `${path}: the configuration file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const parsed = parseJsonFile(text, path, 'ERR_CONFIG_INVALID');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TesseraError('ERR_CONFIG_INVALID', `${path}: must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
