// grpc.health.v1 (the standard gRPC health checking protocol) on every CA
// listener, through grpc-health-check. One status for the whole CA and for
// each of its services: they share the store and the keys.
import type * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Clock } from '../agent-sdk/clock.js';
import type { JournalObserver } from './audit/journal.js';

/**
 * Readiness: SERVING once the CA listens, while the store answers (the last
 * probe read and every write since it succeeded) and the certificates it signs
 * and serves with are within their validity; NOT_SERVING otherwise and from
 * the moment it starts shutting down. The store is probed every `probeEveryMs`.
 * Watch streams never end by themselves: `stop` sends NOT_SERVING, then ends
 * them, so a client watching does not hold the CA's stop.
 *
 * @example
 * const health = new CaHealth({ services, clock, notAfterMs, probeStore: () => store.get('health') });
 * health.addTo(server); ...; health.start();
 */
export class CaHealth implements JournalObserver {
  readonly #impl = new HealthImplementation();
  readonly #params: CaHealthParams;
  #storeOk = true;
  #running = false;
  #stopped = false;
  readonly #watches = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(params: CaHealthParams) {
    this.#params = params;
    this.#set('NOT_SERVING');
  }

  /** Adds grpc.health.v1.Health (Check and Watch) to `server`. */
  addTo(server: grpc.Server): void {
    // The library's Watch is wrapped so that `stop` can end its streams.
    const withEndingWatch = {
      addService: (definition: grpc.ServiceDefinition, handlers: grpc.UntypedServiceImplementation) => server.addService(definition, {
        ...handlers,
        watch: (call: grpc.ServerWritableStream<unknown, unknown>) => {
          (handlers.watch as grpc.handleServerStreamingCall<unknown, unknown>)(call);
          if (this.#stopped) {
            call.end();
            return;
          }
          this.#watches.add(call);
          call.on('cancelled', () => this.#watches.delete(call));
        },
      }),
    };
    this.#impl.addToServer(withEndingWatch as unknown as grpc.Server);
  }

  /** The CA listens: report readiness, and probe the store from now on. */
  start(): void {
    this.#running = true;
    this.#refresh();
    this.#timer = setInterval(() => void this.#probe(), this.#params.probeEveryMs ?? 5000).unref();
  }

  /** The CA is shutting down: NOT_SERVING from now on; every Watch stream gets it, then ends (OK). */
  stop(): void {
    this.#running = false;
    clearInterval(this.#timer);
    this.#refresh();
    // No status changes after this: the library would write them to the ended streams.
    this.#stopped = true;
    for (const call of this.#watches) call.end();
    this.#watches.clear();
  }

  /** Whether the CA reports SERVING now. */
  get ready(): boolean {
    return this.#running && this.#storeOk && this.#params.clock.now() < this.#params.notAfterMs();
  }

  written(): void {
    this.#refresh();
  }

  storeFailed(): void {
    this.#storeOk = false;
    this.#refresh();
  }

  async #probe(): Promise<void> {
    try {
      await this.#params.probeStore();
      this.#storeOk = true;
    } catch {
      this.#storeOk = false;
    }
    this.#refresh();
  }

  #refresh(): void {
    if (this.#stopped) return;
    this.#set(this.ready ? 'SERVING' : 'NOT_SERVING');
  }

  #set(status: 'SERVING' | 'NOT_SERVING'): void {
    // '' is the server as a whole (grpc health checking protocol).
    for (const service of ['', ...this.#params.services]) this.#impl.setStatus(service, status);
  }
}

export interface CaHealthParams {
  /** Full service names ('tessera.v1.SVIDService'); each reports the CA's status. */
  readonly services: readonly string[];
  readonly clock: Clock;
  /** The earliest notAfter of the certificates the CA needs (the signing intermediate, its server SVID). */
  notAfterMs(): number;
  /** A read that rejects when the store does not answer. */
  probeStore(): Promise<unknown>;
  readonly probeEveryMs?: number;
}
