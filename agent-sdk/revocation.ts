/**
 * Follows the CA's WatchRevocations stream into a RevocationList: the current
 * list first, then each new entry as the CA commits it. On any break it
 * reconnects with backoff and resumes after the last sequence number it holds,
 * so nothing committed in between is missed. While it is cut off, the list
 * counts down to stale (see RevocationList.staleAfterMs).
 */
import { EventEmitter } from 'node:events';
import type * as grpc from '@grpc/grpc-js';
import { errorFromServiceError } from './error-status.js';
import { TesseraError } from './errors.js';
import type { WatchRevocationsResponse__Output } from './gen/tessera/v1/WatchRevocationsResponse.js';
import type { RevocationList } from './revocation-list.js';
import { revocationEntryFromWire } from './revocation-wire.js';

/** How the follower reconnects. */
export interface RevocationFollowerOptions {
  /** Opens the stream, resuming after a sequence number (CaClient.watchRevocations). */
  readonly open: (afterSequence: number) => grpc.ClientReadableStream<WatchRevocationsResponse__Output>;
  readonly list: RevocationList;
  /** First reconnect delay (default 200 ms); doubles up to maxRetryMs (default 5 s). */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
}

// Refusals that will not change by retrying: the holder itself is revoked or may not watch.
const FINAL: ReadonlySet<string> = new Set(['ERR_REVOKED', 'ERR_PEER_UNAUTHORIZED', 'ERR_PERMISSION_DENIED']);
// Silence for this many heartbeat intervals means the connection is gone.
const MISSED_HEARTBEATS = 3;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Keeps a RevocationList current from the CA. Emits `'updateFailed'` (with a
 * TesseraError) when the stream breaks or is refused, and `'stopped'` when it
 * gives up because the refusal is final (ERR_REVOKED: the holder itself was
 * revoked); never `'error'`.
 *
 * @example
 * const follower = new RevocationFollower({ list, open: (after) => caClient.watchRevocations(after) });
 * follower.start();
 * await follower.synced(5_000);
 */
export class RevocationFollower extends EventEmitter {
  readonly #open: RevocationFollowerOptions['open'];
  readonly #list: RevocationList;
  readonly #retryMs: number;
  readonly #maxRetryMs: number;
  #delayMs: number;
  #stream: grpc.ClientReadableStream<WatchRevocationsResponse__Output> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #closed = false;
  #caughtUp = false;
  readonly #waiters = new Set<() => void>();

  constructor(options: RevocationFollowerOptions) {
    super();
    this.#open = options.open;
    this.#list = options.list;
    this.#retryMs = options.retryMs ?? 200;
    this.#maxRetryMs = options.maxRetryMs ?? 5_000;
    this.#delayMs = this.#retryMs;
  }

  /** Opens the stream (no-op when open). Never throws: failures go to 'updateFailed' and a retry. */
  start(): void {
    if (this.#closed || this.#stream) return;
    clearTimeout(this.#retryTimer);
    let stream: grpc.ClientReadableStream<WatchRevocationsResponse__Output>;
    try {
      stream = this.#open(this.#list.head);
    } catch (err) {
      this.#fail(err instanceof TesseraError ? err : new TesseraError('ERR_INTERNAL', 'cannot open the revocation stream', { cause: err }));
      return;
    }
    this.#stream = stream;
    this.#arm(CONNECT_TIMEOUT_MS);
    stream.on('data', (message: WatchRevocationsResponse__Output) => {
      if (this.#stream === stream) this.#receive(message);
    });
    stream.on('error', (err: grpc.ServiceError) => {
      if (this.#stream === stream) this.#drop(errorFromServiceError(err));
    });
    stream.on('status', (status: grpc.StatusObject) => {
      // A stream the CA ended on purpose (shutdown, the certificate it was opened with expired): resume at once.
      if (this.#stream === stream && status.code === 0) this.#drop(new TesseraError('ERR_UNAVAILABLE', 'the CA ended the revocation stream'), 0);
    });
  }

  /** Resolves true once the list has caught up with the CA, or false after `timeoutMs`. Never rejects. */
  synced(timeoutMs: number): Promise<boolean> {
    if (this.#caughtUp) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(onSync);
        resolve(value);
      };
      const onSync = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs).unref();
      this.#waiters.add(onSync);
    });
  }

  /** Reconnects now, for example with a new SVID after a rotation. */
  restart(): void {
    this.#cancel();
    this.start();
  }

  /** Stops following; the list keeps what it holds and turns stale in time. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#cancel();
    this.#list.markCutOff();
    for (const waiter of [...this.#waiters]) waiter();
  }

  #receive(message: WatchRevocationsResponse__Output): void {
    let entries;
    try {
      entries = message.entries.map(revocationEntryFromWire);
    } catch (err) {
      this.#drop(err as TesseraError);
      return;
    }
    this.#list.apply(entries, { reset: message.reset });
    this.#arm(Math.max(message.heartbeatIntervalMs, 200) * MISSED_HEARTBEATS);
    if (!message.caughtUp) return;
    this.#list.markCurrent();
    this.#delayMs = this.#retryMs;
    if (!this.#caughtUp) {
      this.#caughtUp = true;
      for (const waiter of [...this.#waiters]) waiter();
    }
  }

  /** The stream broke: count down to stale and reconnect after the backoff (or now). */
  #drop(error: TesseraError, delayMs = this.#delayMs): void {
    this.#cancel();
    this.#fail(error, delayMs);
  }

  #fail(error: TesseraError, delayMs = this.#delayMs): void {
    this.#list.markCutOff();
    if (this.#closed) return;
    this.emit('updateFailed', error);
    if (FINAL.has(error.code)) {
      this.emit('stopped', error);
      return;
    }
    // Up to 20 % jitter, so validators cut off together do not reconnect together.
    this.#retryTimer = setTimeout(() => this.start(), delayMs * (1 + Math.random() * 0.2)).unref();
    this.#delayMs = Math.min(this.#delayMs * 2, this.#maxRetryMs);
  }

  #cancel(): void {
    clearTimeout(this.#watchdog);
    const stream = this.#stream;
    this.#stream = undefined;
    stream?.cancel();
  }

  #arm(silenceMs: number): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => this.#drop(new TesseraError('ERR_TIMEOUT', 'the revocation stream went silent')), silenceMs).unref();
  }
}
