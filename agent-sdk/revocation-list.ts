/**
 * The revocation entries a validator holds, indexed for the checks made on
 * every handshake and every call, with the connections it must close when a
 * new entry covers their peer. Filled by the follower (revocation.ts) from the
 * CA's WatchRevocations stream; the CA keeps one too, for its own checks.
 */
import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from './clock.js';
import { PeerError, TesseraError } from './errors.js';
import { SpiffeId, isSpiffeId, parseTrustDomain } from './spiffe-id.js';
import { describeId } from './tessera-id.js';
import { MAX_TIMER_MS } from './timers.js';

/**
 * What an entry names: a certificate, a token, an identity, a task, a
 * delegation subtree, or a signing authority of the trust domain (an X.509
 * intermediate or root, a JWT key) the operator revoked.
 */
export type RevocationKind = 'serial' | 'jti' | 'agent' | 'task' | 'chain' | 'x509_authority' | 'jwt_authority';

/** Why an entry exists. */
export type RevocationCause = 'operator' | 'released' | 'task_completed';

/** One revocation, as the CA committed it. Never changed; dropped after `expiresAtMs`. */
export interface RevocationEntry {
  /** Increases by one with every entry the CA commits. */
  readonly sequence: number;
  readonly kind: RevocationKind;
  /**
   * Serial (lowercase hex), jti, SPIFFE ID (agent, chain), `<orchestrator>/<task>`,
   * the SHA-256 of the public key (x509_authority, lowercase hex) or the key id (jwt_authority).
   */
  readonly target: string;
  /** For chain entries: the root and every descendant the CA knew of. */
  readonly coveredIds: readonly string[];
  readonly revokedAtMs: number;
  /** When everything the entry covers has expired. */
  readonly expiresAtMs: number;
  readonly cause: RevocationCause;
  /** For x509_authority entries: the authority's public key, base64 of the DER SubjectPublicKeyInfo. */
  readonly publicKey?: string;
}

/** What a validator knows about a peer or a token's subject. */
export interface RevocationSubject {
  /** The verified SPIFFE ID. */
  readonly id: SpiffeId | string;
  /** The serial of the peer's leaf certificate, lowercase hex. */
  readonly serialHex?: string;
  /** A task token's jti. */
  readonly jti?: string;
  /** The peer's verified delegation chain (ancestor SPIFFE IDs), when known. */
  readonly ancestors?: readonly string[];
}

/** Options for a RevocationList. */
export interface RevocationListOptions {
  /** Entries apply to peers of this trust domain only. */
  readonly trustDomain: string;
  readonly clock?: Clock;
  /**
   * How long the list may be cut off from the CA before every check fails with
   * ERR_REVOCATION_STALE (default 5 minutes, the default agent SVID lifetime).
   */
  readonly staleAfterMs?: number;
  /** Keep accepting peers when stale instead (default false: fail closed). */
  readonly failOpen?: boolean;
}

/** Entries stay this long past `expiresAtMs`: token validators allow a small `exp` leeway. */
export const ENTRY_GRACE_MS = 60_000;
const DEFAULT_STALE_AFTER_MS = 5 * 60_000;

interface Tracked {
  readonly subject: RevocationSubject;
  readonly close: (error: TesseraError) => void;
}

/**
 * Revocation entries indexed by what they name. Emits `'revoked'` (entry) for
 * each new entry, `'stale'` when it has been cut off for longer than
 * staleAfterMs and `'current'` when it catches up again.
 *
 * @example
 * const list = new RevocationList({ trustDomain: 'tessera.local' });
 * list.check({ id: peerId, serialHex }); // throws PeerError ERR_REVOKED when covered
 */
export class RevocationList extends EventEmitter {
  readonly trustDomain: string;
  readonly staleAfterMs: number;
  readonly failOpen: boolean;
  readonly #clock: Clock;
  readonly #entries = new Map<number, RevocationEntry>();
  readonly #index = new Map<string, Set<number>>();
  readonly #tracked = new Set<Tracked>();
  #head = 0;
  #revokedX509: readonly Buffer[] = [];
  #revokedJwt: ReadonlySet<string> = new Set();
  #connected = false;
  /** When the list last knew it was current (or was created). */
  #currentAtMs: number;
  #staleTimer: NodeJS.Timeout | undefined;
  #pruneTimer: NodeJS.Timeout | undefined;
  #wasStale = false;

  /** @throws {SpiffeIdError} for a bad trust domain; TypeError for a bad staleAfterMs. */
  constructor(options: RevocationListOptions) {
    super();
    // Every TLS and gRPC server built on a source listens for authority entries: no leak to warn of.
    this.setMaxListeners(0);
    this.trustDomain = parseTrustDomain(options.trustDomain);
    this.#clock = options.clock ?? systemClock;
    this.staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    if (!(this.staleAfterMs > 0)) throw new TypeError('staleAfterMs must be positive');
    this.failOpen = options.failOpen ?? false;
    this.#currentAtMs = this.#clock.now();
    this.#armStaleTimer();
  }

  /** The highest sequence number applied: where a reconnecting follower resumes. */
  get head(): number {
    return this.#head;
  }

  /** How many entries are held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The public keys (DER SubjectPublicKeyInfo) of the X.509 authorities the
   * entries revoke. A new array whenever they change. The verifiers add them
   * to the bundle's revoked authorities (withRevokedAuthorities).
   */
  get revokedX509Authorities(): readonly Buffer[] {
    return this.#revokedX509;
  }

  /** The key ids of the JWT authorities the entries revoke. A new set whenever they change. */
  get revokedJwtKeyIds(): ReadonlySet<string> {
    return this.#revokedJwt;
  }

  /**
   * Adds entries (ignoring ones already held or already expired) and closes the
   * tracked connections they cover. With `reset`, drops everything first (the
   * CA's state was replaced). Returns the entries added. Never throws.
   */
  apply(entries: readonly RevocationEntry[], options: { reset?: boolean } = {}): RevocationEntry[] {
    if (options.reset) {
      this.#entries.clear();
      this.#index.clear();
      this.#head = 0;
      this.#recountAuthorities();
    }
    const now = this.#clock.now();
    const added: RevocationEntry[] = [];
    for (const entry of entries) {
      this.#head = Math.max(this.#head, entry.sequence);
      if (this.#entries.has(entry.sequence) || entry.expiresAtMs + ENTRY_GRACE_MS <= now) continue;
      this.#entries.set(entry.sequence, entry);
      for (const key of keysOf(entry)) {
        let set = this.#index.get(key);
        if (!set) this.#index.set(key, (set = new Set()));
        set.add(entry.sequence);
      }
      added.push(entry);
    }
    if (added.length === 0) return added;
    if (added.some(isAuthorityEntry)) this.#recountAuthorities();
    this.#armPruneTimer();
    for (const t of [...this.#tracked]) {
      const entry = this.find(t.subject);
      if (entry) t.close(revokedError(entry));
    }
    for (const entry of added) this.emit('revoked', entry);
    return added;
  }

  /** The entries after `sequence`, in order, for a stream that resumes there. */
  entriesAfter(sequence: number): RevocationEntry[] {
    return [...this.#entries.values()].filter((e) => e.sequence > sequence).sort((a, b) => a.sequence - b.sequence);
  }

  /** The first entry covering `subject`, or undefined. Ignores staleness. Never throws. */
  find(subject: RevocationSubject): RevocationEntry | undefined {
    const id = typeof subject.id !== 'string' ? subject.id : isSpiffeId(subject.id) ? SpiffeId.parse(subject.id) : undefined;
    if (!id || id.trustDomain !== this.trustDomain) return undefined;
    const keys = [`id:${id}`, `chain:${id}`];
    if (subject.serialHex) keys.push(`serial:${subject.serialHex.toLowerCase()}`);
    if (subject.jti) keys.push(`jti:${subject.jti}`);
    for (const ancestor of subject.ancestors ?? []) keys.push(`chain:${ancestor}`);
    const who = describeId(id);
    if (who?.kind === 'agent') keys.push(`task:${who.orchestrator}/${who.task}`);
    let first: RevocationEntry | undefined;
    for (const key of keys) {
      for (const seq of this.#index.get(key) ?? []) {
        const entry = this.#entries.get(seq);
        if (entry && (!first || entry.sequence < first.sequence)) first = entry;
      }
    }
    return first;
  }

  /** Whether an entry covers `subject` (staleness aside): the hook for token validators. Never throws. */
  isRevoked(subject: RevocationSubject): boolean {
    return this.find(subject) !== undefined;
  }

  /**
   * The `isRevoked` hook for validateJwtSvid: true when the token's jti, its
   * subject, the subject's task or an ancestor's subtree is revoked. A bound
   * function, so it can be passed as it is.
   *
   * @throws {TesseraError} ERR_REVOCATION_STALE while the list is stale (unless failOpen), so the token is refused.
   * @example await validateJwtSvid(bearer, { ..., isRevoked: source.revocations.isTokenRevoked });
   */
  readonly isTokenRevoked = (token: { readonly id: SpiffeId; readonly jti: string; readonly delegationChain?: readonly SpiffeId[] }): boolean => {
    if (this.isStale() && !this.failOpen) throw staleError();
    return this.isRevoked({ id: token.id, jti: token.jti, ancestors: token.delegationChain?.map(String) ?? [] });
  };

  /**
   * Refuses a revoked subject, and any subject while the list is stale unless
   * failOpen.
   *
   * @throws {PeerError} ERR_REVOKED; {TesseraError} ERR_REVOCATION_STALE.
   * @example list.check({ id: verified.id, serialHex });
   */
  check(subject: RevocationSubject): void {
    const entry = this.find(subject);
    if (entry) throw revokedError(entry);
    if (this.isStale() && !this.failOpen) throw staleError();
  }

  /**
   * Calls `close` (once) when an entry covering `subject` arrives, or when the
   * list goes stale and fails closed. Returns the function that stops tracking;
   * call it when the connection closes.
   *
   * @example socket.once('close', list.track({ id, serialHex }, () => socket.destroy()));
   */
  track(subject: RevocationSubject, close: (error: TesseraError) => void): () => void {
    let closed = false;
    const tracked: Tracked = {
      subject,
      close: (error) => {
        if (closed) return;
        closed = true;
        this.#tracked.delete(tracked);
        close(error);
      },
    };
    this.#tracked.add(tracked);
    return () => {
      closed = true;
      this.#tracked.delete(tracked);
    };
  }

  /** Whether the follower is connected and holds every entry the CA has (for health checks). */
  isCurrent(): boolean {
    return this.#connected;
  }

  /** Whether the list has been cut off from the CA for longer than staleAfterMs. */
  isStale(): boolean {
    return !this.#connected && this.#clock.now() - this.#currentAtMs > this.staleAfterMs;
  }

  /** The follower holds every entry the CA has (called on each stream message). */
  markCurrent(): void {
    this.#connected = true;
    this.#currentAtMs = this.#clock.now();
    clearTimeout(this.#staleTimer);
    if (this.#wasStale) {
      this.#wasStale = false;
      this.emit('current');
    }
  }

  /** The follower lost the stream: the list is current as of the last message. */
  markCutOff(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#currentAtMs = this.#clock.now();
    this.#armStaleTimer();
  }

  /** Stops the timers; tracked connections are left alone. */
  close(): void {
    clearTimeout(this.#staleTimer);
    clearTimeout(this.#pruneTimer);
    this.#tracked.clear();
  }

  /** Drops entries that no longer cover anything unexpired. */
  prune(): void {
    const now = this.#clock.now();
    let authorities = false;
    for (const entry of this.#entries.values()) {
      if (entry.expiresAtMs + ENTRY_GRACE_MS > now) continue;
      authorities ||= isAuthorityEntry(entry);
      this.#entries.delete(entry.sequence);
      for (const key of keysOf(entry)) {
        const set = this.#index.get(key);
        set?.delete(entry.sequence);
        if (set?.size === 0) this.#index.delete(key);
      }
    }
    if (authorities) this.#recountAuthorities();
    this.#armPruneTimer();
  }

  #recountAuthorities(): void {
    const held = [...this.#entries.values()];
    this.#revokedX509 = held.filter((e) => e.kind === 'x509_authority' && e.publicKey).map((e) => Buffer.from(e.publicKey!, 'base64'));
    this.#revokedJwt = new Set(held.filter((e) => e.kind === 'jwt_authority').map((e) => e.target));
  }

  #armPruneTimer(): void {
    clearTimeout(this.#pruneTimer);
    let next = Infinity;
    for (const entry of this.#entries.values()) next = Math.min(next, entry.expiresAtMs + ENTRY_GRACE_MS);
    if (next === Infinity) return;
    this.#pruneTimer = setTimeout(() => this.prune(), Math.min(Math.max(0, next - this.#clock.now()) + 1, MAX_TIMER_MS)).unref();
  }

  #armStaleTimer(): void {
    clearTimeout(this.#staleTimer);
    const delay = this.#currentAtMs + this.staleAfterMs - this.#clock.now() + 1;
    this.#staleTimer = setTimeout(() => {
      if (!this.isStale()) return this.#armStaleTimer();
      this.#wasStale = true;
      this.emit('stale');
      if (this.failOpen) return;
      for (const t of [...this.#tracked]) t.close(staleError());
    }, Math.min(Math.max(0, delay), MAX_TIMER_MS)).unref();
  }
}

/** The index keys an entry is found under. */
function keysOf(entry: RevocationEntry): string[] {
  switch (entry.kind) {
    case 'serial':
      return [`serial:${entry.target}`];
    case 'jti':
      return [`jti:${entry.target}`];
    case 'agent':
      return [`id:${entry.target}`];
    case 'task':
      return [`task:${entry.target}`];
    case 'chain':
      return [`chain:${entry.target}`, ...entry.coveredIds.map((id) => `id:${id}`)];
    case 'x509_authority':
    case 'jwt_authority':
      // Found by key, not by subject: see revokedX509Authorities and revokedJwtKeyIds.
      return [`${entry.kind}:${entry.target}`];
  }
}

/** Whether an entry revokes a signing authority (which the verifiers read through the bundle, not `find`). */
export function isAuthorityEntry(entry: RevocationEntry): boolean {
  return entry.kind === 'x509_authority' || entry.kind === 'jwt_authority';
}

function revokedError(entry: RevocationEntry): PeerError {
  return new PeerError('ERR_REVOKED', `revoked (${entry.kind} entry ${entry.sequence})`);
}

function staleError(): TesseraError {
  return new TesseraError('ERR_REVOCATION_STALE', 'the revocation list has been cut off from the CA for too long');
}

/**
 * The revocation list a source carries (X509Source has one), or undefined.
 *
 * @example const list = revocationsOf(source); list?.check({ id });
 */
export function revocationsOf(source: unknown): RevocationList | undefined {
  const list = (source as { revocations?: unknown } | null | undefined)?.revocations;
  return list instanceof RevocationList ? list : undefined;
}

/**
 * The list the TLS and gRPC helpers enforce: the one given in their options,
 * else the first one a source carries; none when the options say `null`.
 *
 * @example const revocations = revocationsToEnforce(options.revocations, svid, bundle);
 */
export function revocationsToEnforce(given: RevocationList | null | undefined, ...sources: unknown[]): RevocationList | undefined {
  if (given === null) return undefined;
  return given ?? sources.map(revocationsOf).find((list) => list !== undefined);
}
