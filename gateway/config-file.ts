/**
 * The config file on disk: read once at start, then watched so that a changed
 * route table is applied without a restart (Gateway.reload keeps the old one
 * when the new one is bad). Polling (fs.watchFile) rather than fs.watch: it
 * sees editors and config managers that replace the file by renaming.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { TesseraError } from '../agent-sdk/errors.js';

/**
 * Reads and parses a JSON config file.
 *
 * @throws {TesseraError} `ERR_CONFIG_INVALID` when it cannot be read or is not JSON.
 */
export function readConfigFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new TesseraError('ERR_CONFIG_INVALID', `gateway config ${path} cannot be read as JSON`, { cause });
  }
}

/**
 * Calls `apply` with the parsed file (or the read error) each time it changes;
 * returns a function that stops watching. Never throws.
 *
 * @example const stop = watchConfigFile(file, (raw) => gateway.reload(raw), 500);
 */
export function watchConfigFile(path: string, apply: (raw: unknown) => void, intervalMs = 1000): () => void {
  const listener = (current: { mtimeMs: number }, previous: { mtimeMs: number }) => {
    if (current.mtimeMs === previous.mtimeMs) return;
    let raw: unknown;
    try {
      raw = readConfigFile(path);
    } catch (err) {
      raw = err; // Gateway.reload refuses it like any other bad table, and logs why.
    }
    apply(raw);
  };
  watchFile(path, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(path, listener);
}
