/**
 * The CA as a real child process, started the way an operator does
 * (`tessera ca start`, the built command), for tests that kill it: SIGKILL
 * mid-load, outages, restarts on the same data directory and ports.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { X509Bundle, certificatesFromPem } from '../../agent-sdk/bundle.js';
import type { CaEndpoints } from '../../agent-sdk/ca-client.js';
import { isTesseraError } from '../../agent-sdk/errors.js';
import { within } from './within.js';

/** How long a CA process may take to print its addresses: 1 s of CPU, 21 s measured at load average 28 on two cores. */
const START_TIMEOUT_MS = 40_000;
/** The built command, as `npx tessera` runs it (npm test builds first). */
export const TESSERA_MAIN = new URL('../../dist/ca/main.js', import.meta.url).pathname;
const run = promisify(execFile);

export interface CaProcess {
  readonly child: ChildProcess;
  readonly endpoints: CaEndpoints;
  readonly adminSocket: string;
  /** The web console's URL, when the CA serves one (--console-listen). */
  readonly consoleUrl?: string;
  /** What the CA wrote on stderr so far (its log). */
  log(): string;
  /** Sends `signal` (default SIGKILL) and resolves once the process has exited (rejects after 40 s). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface CaProcessOptions {
  readonly dataDir: string;
  /** host:port of the public listener; default a free port. Pass the previous one to restart in place. */
  readonly listen?: string;
  readonly mtlsListen?: string;
  /** Written to a JSON file beside the data directory and passed with --config. */
  readonly config?: Record<string, unknown>;
  readonly logLevel?: string;
  /** More `ca start` flags, e.g. ['--console-listen', '127.0.0.1:0']. */
  readonly args?: readonly string[];
}

/**
 * Starts `tessera ca start` and resolves with its addresses once it listens
 * (the first line it prints). Rejects with its log if it exits first or does
 * not listen within 40 s (then it is killed).
 *
 * @example const ca = await startCaProcess({ dataDir }); await ca.stop('SIGKILL');
 */
export async function startCaProcess(options: CaProcessOptions): Promise<CaProcess> {
  const args = [
    TESSERA_MAIN, 'ca', 'start', '--data-dir', options.dataDir,
    '--listen', options.listen ?? '127.0.0.1:0', '--mtls-listen', options.mtlsListen ?? '127.0.0.1:0',
    '--log-level', options.logLevel ?? 'warn',
  ];
  args.push(...(options.args ?? []));
  if (options.config) {
    const file = `${options.dataDir}.config.json`;
    await writeFile(file, JSON.stringify(options.config));
    args.push('--config', file);
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = await within(START_TIMEOUT_MS, 'the CA process printing its addresses', new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code, signal) => reject(new Error(`CA exited (${code ?? signal}) before listening: ${log}`)));
  })).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}; its log: ${log}`);
  });
  const started = JSON.parse(first) as { publicAddress: string; mtlsAddress: string; adminSocket: string; consoleUrl?: string };
  return {
    child,
    endpoints: { address: started.publicAddress, mtlsAddress: started.mtlsAddress },
    adminSocket: started.adminSocket,
    ...(started.consoleUrl && { consoleUrl: started.consoleUrl }),
    log: () => log,
    async stop(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await within(START_TIMEOUT_MS, `the CA process exiting on ${signal}`, exited);
    },
  };
}

/** The trust bundle a CA keeps in its data directory (what an operator hands out). */
export async function bundleOf(dataDir: string, trustDomain = 'tessera.local'): Promise<X509Bundle> {
  return new X509Bundle(trustDomain, certificatesFromPem(await readFile(join(dataDir, 'keys/root-cert.pem'), 'utf8')));
}

/** Runs the `tessera` command; resolves with its exit code and output (never rejects on a non-zero exit). */
export async function tessera(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TESSERA_MAIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Runs `call` until it stops failing with ERR_UNAVAILABLE (a CA that just came
 * back: grpc-js channels reconnect with backoff), at most `timeoutMs`.
 */
export async function whenReachable<T>(call: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 50))) {
    try {
      return await call();
    } catch (err) {
      if (!isTesseraError(err, 'ERR_UNAVAILABLE') || Date.now() > deadline) throw err;
    }
  }
}
