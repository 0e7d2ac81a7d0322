import type { ClientReadableStream } from '@grpc/grpc-js';
import type { WatchTrustBundleResponse__Output } from './gen/tessera/v1/WatchTrustBundleResponse.js';
import type { TrustBundle__Output } from './gen/tessera/v1/TrustBundle.js';

/** How many heartbeat intervals of silence make the follower reconnect. */
const SILENT_INTERVALS = 3;

/**
 * Follows the CA's WatchTrustBundle stream: hands every bundle it sends to
 * `onBundle`, and reconnects with backoff (1 s doubling to 30 s, with jitter)
 * when the stream ends, fails or goes silent. So a new authority, a taint or a
 * revocation reaches the holder as the CA commits it, without polling.
 *
 * @example new BundleFollower({ open: () => client.watchTrustBundle(), onBundle: (b) => client.adoptTrustBundle(b) }).start();
 */
export class BundleFollower {
  readonly #open: () => ClientReadableStream<WatchTrustBundleResponse__Output>;
  readonly #onBundle: (bundle: TrustBundle__Output) => void;
  #stream: ClientReadableStream<WatchTrustBundleResponse__Output> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #delayMs = 1000;
  #closed = false;

  constructor(params: { open: () => ClientReadableStream<WatchTrustBundleResponse__Output>; onBundle: (bundle: TrustBundle__Output) => void }) {
    this.#open = params.open;
    this.#onBundle = params.onBundle;
  }

  /** Opens the stream. Never throws: a failure schedules a retry. */
  start(): void {
    if (this.#closed) return;
    let stream: ClientReadableStream<WatchTrustBundleResponse__Output>;
    try {
      stream = this.#open();
    } catch {
      this.#retry();
      return;
    }
    this.#stream = stream;
    stream.on('data', (message: WatchTrustBundleResponse__Output) => {
      this.#delayMs = 1000;
      this.#arm(message.heartbeatIntervalMs * SILENT_INTERVALS);
      if (!message.bundle) return;
      try {
        this.#onBundle(message.bundle);
      } catch {
        // A bundle this SDK cannot take (another trust domain, no roots) keeps the last good one.
      }
    });
    const dropped = () => {
      if (this.#stream !== stream) return;
      this.#cancel();
      this.#retry();
    };
    stream.on('error', dropped);
    stream.on('end', dropped);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#cancel();
  }

  #retry(): void {
    if (this.#closed) return;
    this.#retryTimer = setTimeout(() => this.start(), this.#delayMs * (1 + Math.random() * 0.2)).unref();
    this.#delayMs = Math.min(this.#delayMs * 2, 30_000);
  }

  #arm(silenceMs: number): void {
    clearTimeout(this.#watchdog);
    if (silenceMs <= 0) return;
    this.#watchdog = setTimeout(() => {
      this.#cancel();
      this.#retry();
    }, silenceMs).unref();
  }

  #cancel(): void {
    clearTimeout(this.#watchdog);
    const stream = this.#stream;
    this.#stream = undefined;
    stream?.cancel();
  }
}
