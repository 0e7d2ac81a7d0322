import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derToPem } from '../agent-sdk/tls-material.js';
import { X509Source } from '../agent-sdk/x509-source.js';
import { exitStatusOf } from './exit-status.js';
import type { Log } from './log.js';

/** The files `tessera run` keeps current, and the variable that tells the child where they are. */
export const SVID_FILES = { svid: 'svid.pem', key: 'key.pem', bundle: 'bundle.pem', env: 'TESSERA_SVID_DIR' } as const;

/**
 * Writes the source's SVID chain, key and trust bundle as PEM into `dir`
 * (svid.pem, key.pem, bundle.pem), each 0600 and replaced by a rename, so a
 * reader sees the old file or the new one, never half of one. The key is
 * written before the certificate: a reader that sees the new certificate
 * finds its key already there.
 */
export async function writeSvidFiles(dir: string, source: X509Source): Promise<void> {
  const svid = source.getX509Svid();
  const files: Array<[string, string]> = [
    [SVID_FILES.key, svid.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string],
    [SVID_FILES.svid, svid.certificates.map(derToPem).join('')],
    [SVID_FILES.bundle, source.bundle.authorities.map(derToPem).join('')],
  ];
  for (const [name, pem] of files) {
    const temporary = join(dir, `.${name}.tmp`);
    await writeFile(temporary, pem, { mode: 0o600 });
    await rename(temporary, join(dir, name));
  }
}

export interface RunWithSvidFilesParams {
  readonly command: string;
  readonly args: readonly string[];
  /** Where to keep the files (created 0700 if missing); default a fresh private directory, removed at the end. */
  readonly dir?: string;
  /** Sent to the child after every rewrite (e.g. SIGHUP for nginx); none by default. */
  readonly signal?: NodeJS.Signals;
  readonly log: Log;
}

/**
 * `tessera run -- CMD ARGS`: for programs that read certificates from files.
 * Redeems the spawn ticket its orchestrator put in the environment, writes the
 * SVID files, starts the child with TESSERA_SVID_DIR set, rewrites the files on
 * every rotation (and signals the child if asked), and when the child exits
 * releases the identity and resolves with its exit status. `stop` resolving
 * sends the child SIGTERM.
 *
 * @throws {TesseraError} what X509Source.fromEnv throws (no ticket, a used or expired one, ERR_UNAVAILABLE).
 */
export async function runWithSvidFiles(params: RunWithSvidFilesParams, stop: Promise<unknown>): Promise<number> {
  const source = await X509Source.fromEnv();
  const dir = params.dir ?? (await mkdtemp(join(tmpdir(), 'tessera-svid-')));
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    await writeSvidFiles(dir, source);
    // The environment no longer holds the ticket (fromEnv removed it): the child inherits none.
    const child = spawn(params.command, [...params.args], { stdio: 'inherit', env: { ...process.env, [SVID_FILES.env]: dir } });
    source.on('update', () => {
      writeSvidFiles(dir, source).then(
        () => params.signal && child.kill(params.signal),
        (err: unknown) => params.log.error({ event: 'svid_files.write_failed', err }, 'could not rewrite the SVID files'),
      );
    });
    source.on('updateFailed', (err: { code?: string }) => params.log.warn({ event: 'svid.update_failed', code: err.code }, 'SVID renewal failed; the files keep the current one'));
    void stop.then(() => child.kill('SIGTERM'));
    const status = await new Promise<number>((resolve) => {
      child.once('error', () => resolve(127));
      child.once('exit', (code, signal) => resolve(exitStatusOf(code, signal)));
    });
    await source.release();
    return status;
  } finally {
    source.close();
    if (!params.dir) await rm(dir, { recursive: true, force: true });
  }
}
