/**
 * CSR checks for the issuance flows, with the signature verified in worker
 * threads. Importing the CSR's key and verifying its signature (~170 µs on
 * Node 20) is the largest piece of an SVID's CPU; off the event loop it runs
 * beside gRPC, TLS and the journal. Parsing and the size limit (~10 µs) stay on
 * the calling thread, so a malformed or oversized CSR never reaches a worker.
 */
import { Worker } from 'node:worker_threads';
import { TesseraError } from '../../agent-sdk/errors.js';
import { type CsrKey, assertCsrSignature, parseCsr } from './csr.js';
import { type SignatureJob, type SignatureVerdict, checkSignature } from './csr-signature.mjs';

/** CSRs per message to a worker: ~1.4 ms of checks, few enough to come back while the journal works. */
const MAX_BATCH = 8;

interface Pending {
  resolve(verdict: SignatureVerdict): void;
  reject(err: unknown): void;
}

interface PoolWorker {
  readonly worker: Worker;
  /** Jobs sent to this worker and not answered yet. */
  readonly pending: Map<number, Pending>;
  answered: boolean;
}

export class CsrChecker {
  readonly #maxBytes: number;
  readonly #workerUrl: URL;
  readonly #onWorkerFailed: (err: unknown) => void;
  readonly #pool: PoolWorker[] = [];
  /** Jobs waiting for the next flush, once per turn of the event loop. */
  #queue: [number, SignatureJob][] = [];
  readonly #waiting = new Map<number, Pending>();
  #flushing: NodeJS.Immediate | undefined;
  #nextId = 0;
  #closed = false;

  /**
   * Starts `workers` threads (0: every check runs on the calling thread).
   * `onWorkerFailed` hears of a worker that stopped; its pending checks fail
   * with ERR_INTERNAL and it is replaced if it had ever answered, otherwise
   * its share falls back to the calling thread (no restart loop).
   *
   * @example const csrs = new CsrChecker({ workers: config.csrWorkers, maxBytes: config.limits.maxCsrBytes });
   */
  constructor(params: { workers: number; maxBytes: number; onWorkerFailed?: (err: unknown) => void; workerUrl?: URL }) {
    this.#maxBytes = params.maxBytes;
    this.#workerUrl = params.workerUrl ?? new URL('./csr-worker.mjs', import.meta.url);
    this.#onWorkerFailed = params.onWorkerFailed ?? (() => {});
    for (let i = 0; i < params.workers; i++) this.#pool.push(this.#spawn());
  }

  /**
   * Checks a DER PKCS#10 request as readCsrKey (csr.ts) does and returns its key.
   *
   * @throws {TesseraError} ERR_CSR_INVALID, ERR_LIMIT_EXCEEDED as readCsrKey; ERR_INTERNAL
   *   when the worker checking it stopped; ERR_UNAVAILABLE after close().
   */
  async check(der: Uint8Array): Promise<CsrKey> {
    if (this.#closed) throw new TesseraError('ERR_UNAVAILABLE', 'the CA is shutting down');
    const { subjectPublicKeyInfo, signature } = parseCsr(der, this.#maxBytes);
    assertCsrSignature(this.#pool.length === 0 ? checkSignature(signature) : await this.#verify(signature));
    return { subjectPublicKeyInfo };
  }

  /**
   * Verifies another ECDSA P-256 signature the way a CSR's is verified, in the
   * same batches to the same workers: a renewal proof's (ca/api/proof-admission.ts),
   * so that the proof and the CSR of one renewal cost one worker message when
   * both are asked for in the same turn of the event loop.
   *
   * @throws {TesseraError} ERR_INTERNAL when the worker checking it stopped; ERR_UNAVAILABLE after close().
   */
  async verifySignature(job: SignatureJob): Promise<SignatureVerdict> {
    if (this.#closed) throw new TesseraError('ERR_UNAVAILABLE', 'the CA is shutting down');
    return this.#pool.length === 0 ? checkSignature(job) : this.#verify(job);
  }

  /** Stops the workers; checks still pending fail with ERR_UNAVAILABLE. */
  async close(): Promise<void> {
    this.#closed = true;
    clearImmediate(this.#flushing);
    const stopping = new TesseraError('ERR_UNAVAILABLE', 'the CA is shutting down');
    for (const pending of this.#waiting.values()) pending.reject(stopping);
    this.#waiting.clear();
    this.#queue = [];
    const pool = this.#pool.splice(0);
    for (const member of pool) for (const pending of member.pending.values()) pending.reject(stopping);
    await Promise.all(pool.map((member) => member.worker.terminate()));
  }

  #verify(job: SignatureJob): Promise<SignatureVerdict> {
    const id = this.#nextId++;
    this.#queue.push([id, job]);
    this.#flushing ??= setImmediate(() => this.#flush());
    return new Promise((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
  }

  /**
   * Sends the queue in batches of at most MAX_BATCH, each to the least busy
   * worker, or checks it here when no worker is left. Small batches come back
   * one by one, so the first calls go on to the journal while the rest are
   * checked instead of the whole burst waiting for the last of it.
   */
  #flush(): void {
    this.#flushing = undefined;
    const queue = this.#queue;
    this.#queue = [];
    for (let at = 0; at < queue.length; at += MAX_BATCH) {
      const batch = queue.slice(at, at + MAX_BATCH);
      const member = this.#pool.reduce<PoolWorker | undefined>((best, m) => (!best || m.pending.size < best.pending.size ? m : best), undefined);
      for (const [id, job] of batch) {
        const pending = this.#waiting.get(id)!;
        this.#waiting.delete(id);
        if (member) member.pending.set(id, pending);
        else pending.resolve(checkSignature(job));
      }
      member?.worker.postMessage(batch);
    }
  }

  #spawn(): PoolWorker {
    const worker = new Worker(this.#workerUrl);
    const member: PoolWorker = { worker, pending: new Map(), answered: false };
    worker.unref();
    worker.on('message', (answers: [number, SignatureVerdict][]) => {
      member.answered = true;
      for (const [id, verdict] of answers) {
        member.pending.get(id)?.resolve(verdict);
        member.pending.delete(id);
      }
    });
    worker.on('error', (err) => this.#lost(member, err));
    worker.on('exit', (code) => this.#lost(member, new Error(`CSR worker exited with code ${code}`)));
    return member;
  }

  /** A worker stopped: fail what it held, and replace it if it ever worked. */
  #lost(member: PoolWorker, err: unknown): void {
    const at = this.#pool.indexOf(member);
    if (at === -1) return; // closed, or already handled ('error' is followed by 'exit')
    this.#onWorkerFailed(err);
    const failed = new TesseraError('ERR_INTERNAL', 'the CSR check failed', { cause: err });
    for (const pending of member.pending.values()) pending.reject(failed);
    member.pending.clear();
    if (member.answered) this.#pool[at] = this.#spawn();
    else this.#pool.splice(at, 1);
  }
}
