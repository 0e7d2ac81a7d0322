/** The parent's handle on a CA running in a child process (see ca-process.ts). */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { X509Bundle } from '../agent-sdk/bundle.js';
import type { CaEndpoints } from '../agent-sdk/ca-client.js';
import type { CaMessage, CaRequest } from './ca-process.js';

/** CPU time and memory of the CA process at one moment. */
export interface CaUsage {
  readonly cpuMicros: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** CPU microseconds by thread name (Linux). */
  readonly threads: Record<string, number>;
}

export interface CaProcessOptions {
  /** Merged into the CA's config (JSON shape of ca/config.ts). */
  readonly config?: Record<string, unknown>;
  /** The CA's data directory, kept on close; a fresh one, removed on close, when not given. */
  readonly dataDir?: string;
  /** Extra node flags for the CA process. */
  readonly execArgv?: readonly string[];
}

export class CaProcess {
  readonly endpoints: CaEndpoints;
  readonly adminSocket: string;
  readonly bundle: X509Bundle;
  /** The web console's URL, when the config turns it on. */
  readonly consoleUrl: string | undefined;
  readonly #child: ChildProcess;
  #nextId = 0;
  readonly #pending = new Map<number, (value: CaUsage | undefined) => void>();

  private constructor(child: ChildProcess, ready: Extract<CaMessage, { type: 'ready' }>) {
    this.#child = child;
    this.endpoints = { address: ready.address, mtlsAddress: ready.mtlsAddress };
    this.adminSocket = ready.adminSocket;
    this.bundle = new X509Bundle(ready.trustDomain, [Buffer.from(ready.rootDer, 'base64')], 1);
    this.consoleUrl = ready.consoleUrl;
    child.on('message', (message: CaMessage) => {
      if (message.type !== 'usage' && message.type !== 'profiled') return;
      this.#pending.get(message.id)?.(message.type === 'usage' ? message : undefined);
      this.#pending.delete(message.id);
    });
  }

  /** Forks a CA (on a fresh data directory unless `dataDir` is given) and resolves once it listens. */
  static start(options: CaProcessOptions = {}): Promise<CaProcess> {
    const script = fileURLToPath(new URL('./ca-process.js', import.meta.url));
    const execArgv = [...(options.execArgv ?? [])];
    const child = fork(script, [JSON.stringify(options.config ?? {}), ...(options.dataDir ? [options.dataDir] : [])], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error('the bench CA did not start within 30 s'));
      }, 30_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the bench CA exited with ${code}`));
      });
      child.on('message', function onMessage(message: CaMessage) {
        if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`the bench CA failed: ${message.message}`));
        } else if (message.type === 'ready') {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.removeAllListeners('exit');
          resolve(new CaProcess(child, message));
        }
      });
    });
  }

  /** The CA process's CPU time so far and its memory now. */
  async usage(): Promise<CaUsage> {
    return (await this.#request((id) => ({ type: 'usage', id })))!;
  }

  /** Starts a V8 CPU profile of the CA process (the inspector's sampling profiler, 200 µs). */
  async startProfile(): Promise<void> {
    await this.#request((id) => ({ type: 'profile', id, action: 'start' }));
  }

  /** Stops the profile and writes it to `file` (open it in Chrome DevTools or speedscope). */
  async stopProfile(file: string): Promise<void> {
    await this.#request((id) => ({ type: 'profile', id, action: 'stop', file }));
  }

  #request(make: (id: number) => CaRequest): Promise<CaUsage | undefined> {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, resolve);
      this.#child.send(make(id), (err) => err && reject(err));
    });
  }

  /** Stops the CA (final checkpoint, store closed, data directory removed) and waits for the process to end. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#child.exitCode !== null) return resolve();
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 15_000);
      this.#child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      const request: CaRequest = { type: 'close' };
      this.#child.send(request);
    });
  }
}
