import type { Socket } from 'node:net';
import type { Clock } from '../../agent-sdk/clock.js';
import type { ErrorCode } from '../../agent-sdk/errors.js';
import type { RateLimit } from '../config.js';
import type { BurstAudit } from './burst-audit.js';
import { addressKeyOf } from './peer-address.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * Admits TCP connections to the CA's TLS listeners before any handshake: a
 * handshake costs the CA 2-4 ms of CPU, more than most calls, and neither
 * grpc-js nor the call rate limits bound the connections a client opens. Per
 * remote address (addressKeyOf): at most `maxPerAddress` open and a token
 * bucket of new ones (`rate`, null for none); over the listeners, at most
 * `maxConnections` open. A refused socket is destroyed unread, and the refusal
 * is audited once per burst (operation 'connect', the address, ERR_LIMIT_EXCEEDED
 * or ERR_RATE_LIMITED).
 *
 * @example
 * const gate = new ConnectionGate({ maxConnections: 50_000, maxPerAddress: 2048, rate: { perSecond: 100, burst: 1000 }, maxKeys, bursts, clock });
 * net.createServer((socket) => gate.admit(socket) && injector.injectConnection(socket));
 */
export class ConnectionGate {
  readonly #maxConnections: number;
  readonly #maxPerAddress: number;
  readonly #rate: RateLimiter | undefined;
  readonly #bursts: BurstAudit;
  readonly #clock: Clock;
  readonly #onAuditFailed: (err: unknown) => void;
  /** Open connections by address key; an address leaves the map with its last connection. */
  readonly #open = new Map<string, number>();
  #total = 0;

  constructor(params: {
    maxConnections: number; maxPerAddress: number; rate: RateLimit | null; maxKeys: number;
    bursts: BurstAudit; clock: Clock; onAuditFailed?: (err: unknown) => void;
  }) {
    this.#maxConnections = params.maxConnections;
    this.#maxPerAddress = params.maxPerAddress;
    this.#rate = params.rate ? new RateLimiter(params.rate, params.maxKeys) : undefined;
    this.#bursts = params.bursts;
    this.#clock = params.clock;
    this.#onAuditFailed = params.onAuditFailed ?? (() => {});
  }

  /**
   * Counts `socket` until it closes and returns true, or destroys it and
   * returns false (the refusal's audit record is written in the background).
   */
  admit(socket: Socket): boolean {
    const key = addressKeyOf(`${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`);
    const open = this.#open.get(key) ?? 0;
    const refusal: ErrorCode | undefined = this.#total >= this.#maxConnections || open >= this.#maxPerAddress
      ? 'ERR_LIMIT_EXCEEDED'
      : this.#rate && !this.#rate.take(key, this.#clock.now()) ? 'ERR_RATE_LIMITED' : undefined;
    if (refusal) {
      socket.destroy();
      this.#bursts.refused(key, { operation: 'connect', address: key }, refusal).catch(this.#onAuditFailed);
      return false;
    }
    this.#open.set(key, open + 1);
    this.#total += 1;
    socket.once('close', () => {
      this.#total -= 1;
      const left = (this.#open.get(key) ?? 1) - 1;
      if (left > 0) this.#open.set(key, left);
      else this.#open.delete(key);
    });
    return true;
  }
}
