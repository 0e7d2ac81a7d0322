/**
 * The bundles of other trust domains this CA federates with (SPIFFE Trust
 * Domain and Bundle, section 5): set by the operator from a SPIFFE bundle
 * document or fetched from the other trust domain's https_web bundle endpoint,
 * refreshed from that endpoint at its refresh hint, and kept in the store
 * (`federation/<trust domain>`) so they survive a restart. The CA hands them to
 * its agents with its own bundle; it never uses them to authenticate its callers.
 */
import https from 'node:https';
import { TesseraError } from '../../agent-sdk/errors.js';
import { MAX_SPIFFE_BUNDLE_BYTES, parseSpiffeBundle } from '../../agent-sdk/spiffe-bundle.js';
import type { X509Bundle } from '../../agent-sdk/bundle.js';
import type { JwtBundle } from '../../agent-sdk/jwt-bundle.js';
import { parseTrustDomain } from '../../agent-sdk/spiffe-id.js';
import type { Journal } from '../audit/journal.js';
import { prefixRange } from '../audit/record.js';
import { checkAudited } from '../issuance/context.js';
import { decodeRecord, encodeRecord } from '../issuance/records.js';
import type { Store } from '../store/store.js';
import type { FederationEntry } from './federation-config.js';

const PREFIX = 'federation/';
/** Refresh at most this often, whatever the other side's hint says, and at least this often. */
const MIN_REFRESH_MS = 5_000;
const MAX_REFRESH_MS = 60 * 60_000;
const FETCH_TIMEOUT_MS = 10_000;

/** One federated trust domain as stored. */
interface FederationRecord {
  readonly trustDomain: string;
  /** Its SPIFFE bundle document, as last set or fetched. */
  readonly document: string;
  /** Its bundle endpoint, when it is refreshed from there. */
  readonly url?: string;
  /** Set from the config file's `federation` section (so removing it there unsets it). */
  readonly fromConfig?: boolean;
}

/** A federated trust domain's bundles, for the wire. */
export interface FederatedBundle {
  readonly x509: X509Bundle;
  readonly jwt: JwtBundle;
}

export class FederatedBundles {
  readonly #journal: Journal;
  readonly #ownTrustDomain: string;
  /** PEM roots for fetching bundle endpoints; undefined: Node's web roots. */
  readonly #webRoots: string | undefined;
  readonly #byTrustDomain = new Map<string, { record: FederationRecord; bundle: FederatedBundle; refreshMs: number }>();
  readonly #listeners = new Set<() => void>();
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(journal: Journal, ownTrustDomain: string, webRoots: string | undefined) {
    this.#journal = journal;
    this.#ownTrustDomain = ownTrustDomain;
    this.#webRoots = webRoots;
  }

  /**
   * Loads the stored federated bundles and starts refreshing those with an endpoint.
   *
   * @throws whatever the store throws.
   * @example const federation = await FederatedBundles.load({ store, journal, trustDomain, webRoots });
   */
  static async load(params: { store: Store; journal: Journal; trustDomain: string; webRoots?: string }): Promise<FederatedBundles> {
    const federation = new FederatedBundles(params.journal, params.trustDomain, params.webRoots);
    for await (const [, value] of params.store.entries(prefixRange(PREFIX))) {
      const record = decodeRecord<FederationRecord>(value)!;
      federation.#keep(record);
      if (record.url) federation.#scheduleRefresh(record.trustDomain);
    }
    return federation;
  }

  /** Every federated trust domain's bundles. */
  get bundles(): FederatedBundle[] {
    return [...this.#byTrustDomain.values()].map((f) => f.bundle);
  }

  /** Calls `listener` after every change. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Trusts `trustDomain` with `document` (a SPIFFE bundle), or with the one
   * fetched now from `url`, which is then refreshed. Durable and audited.
   *
   * @throws {TesseraError} ERR_INVALID_ARGUMENT unless exactly one of document and url
   *   is given, or for this CA's own trust domain or a URL that is not https;
   *   ERR_BUNDLE_INVALID for a bad document; ERR_UNAVAILABLE when the endpoint cannot be fetched.
   * @example await federation.set('partner.example', { url: 'https://partner.example/bundle' });
   */
  async set(trustDomain: string, from: { document?: string; url?: string }, origin: { fromConfig?: boolean } = {}): Promise<FederatedBundle> {
    const event = { operation: 'bundle.set', subject: `spiffe://${trustDomain}` };
    const { td, url } = await checkAudited(this.#journal, event, () => {
      const td = parseTrustDomain(trustDomain);
      if (td === this.#ownTrustDomain) throw new TesseraError('ERR_INVALID_ARGUMENT', 'this is the CA\'s own trust domain');
      if ((from.document === undefined) === (from.url === undefined)) throw new TesseraError('ERR_INVALID_ARGUMENT', 'give the bundle document or its endpoint URL, not both');
      if (from.url !== undefined && !from.url.startsWith('https://')) throw new TesseraError('ERR_INVALID_ARGUMENT', 'a bundle endpoint URL is https (the https_web profile)');
      return { td, url: from.url };
    });
    const document = await checkAudited(this.#journal, event, async () => {
      const text = from.document ?? await this.#fetch(url!);
      parseSpiffeBundle(td, text);
      return text;
    });
    const record: FederationRecord = { trustDomain: td, document, ...(url && { url }), ...(origin.fromConfig && { fromConfig: true }) };
    await this.#journal.commit({
      read: [], audit: event,
      decide: () => ({ ops: [{ type: 'put', key: PREFIX + td, value: encodeRecord(record) }], result: undefined }),
    });
    const kept = this.#keep(record);
    if (url) this.#scheduleRefresh(td);
    for (const listener of this.#listeners) listener();
    return kept;
  }

  /**
   * Stops trusting `trustDomain`: its bundle leaves what agents receive (pushed
   * at once). Durable and audited, allowed or denied.
   *
   * @throws {TesseraError} ERR_NOT_FOUND when this CA does not federate with it;
   *   ERR_SPIFFE_ID_INVALID for a malformed name.
   * @example await federation.unset('partner.example');
   */
  async unset(trustDomain: string): Promise<void> {
    const event = { operation: 'bundle.unset', subject: `spiffe://${trustDomain}` };
    const td = await checkAudited(this.#journal, event, () => {
      const td = parseTrustDomain(trustDomain);
      if (!this.#byTrustDomain.has(td)) throw new TesseraError('ERR_NOT_FOUND', `this CA does not federate with ${td}`);
      return td;
    });
    await this.#journal.commit({
      read: [], audit: event,
      decide: () => ({ ops: [{ type: 'del', key: PREFIX + td }], result: undefined }),
    });
    this.#byTrustDomain.delete(td);
    for (const listener of this.#listeners) listener();
  }

  /**
   * Applies the config file's `federation` section: each entry is set unless
   * the stored one already matches (same endpoint, or the file's same
   * document), and a trust domain an earlier config set but this one no longer
   * lists is unset. Entries set with `tessera bundle set` stay. Resolves with
   * what could not be applied (an endpoint that is down: its stored bundle, if
   * any, stays and keeps refreshing); the CA starts anyway.
   *
   * @example for (const failure of await federation.applyConfig(config.federation, readText)) log.warn(failure);
   */
  async applyConfig(entries: readonly FederationEntry[], readText: (file: string) => Promise<string>): Promise<string[]> {
    const failures: string[] = [];
    for (const entry of entries) {
      const stored = this.#byTrustDomain.get(entry.trustDomain)?.record;
      try {
        if ('bundleEndpointUrl' in entry) {
          if (stored?.url !== entry.bundleEndpointUrl) await this.set(entry.trustDomain, { url: entry.bundleEndpointUrl }, { fromConfig: true });
        } else {
          const document = await readText(entry.bundleFile);
          if (stored?.document !== document || stored.url) await this.set(entry.trustDomain, { document }, { fromConfig: true });
        }
      } catch (err) {
        failures.push(`federation with ${entry.trustDomain} from the config failed: ${(err as Error).message}`);
      }
    }
    const listed = new Set(entries.map((e) => e.trustDomain));
    for (const { record } of [...this.#byTrustDomain.values()]) {
      if (record.fromConfig && !listed.has(record.trustDomain)) await this.unset(record.trustDomain);
    }
    return failures;
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #keep(record: FederationRecord): FederatedBundle {
    const { x509, jwt, refreshHintSeconds } = parseSpiffeBundle(record.trustDomain, record.document);
    const refreshMs = Math.min(Math.max((refreshHintSeconds ?? 300) * 1000, MIN_REFRESH_MS), MAX_REFRESH_MS);
    const bundle = { x509, jwt };
    this.#byTrustDomain.set(record.trustDomain, { record, bundle, refreshMs });
    return bundle;
  }

  /** Fetches the endpoint again after its refresh hint; a change is stored and pushed like a set. */
  #scheduleRefresh(trustDomain: string): void {
    const entry = this.#byTrustDomain.get(trustDomain);
    if (!entry?.record.url) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const refresh = async () => {
        // Unset, or set from elsewhere, since this was scheduled: this refresh is no longer wanted.
        if (this.#byTrustDomain.get(trustDomain)?.record.url !== entry.record.url) return;
        const document = await this.#fetch(entry.record.url!);
        if (document === this.#byTrustDomain.get(trustDomain)?.record.document) this.#scheduleRefresh(trustDomain);
        else await this.set(trustDomain, { url: entry.record.url! }, { fromConfig: entry.record.fromConfig ?? false });
      };
      refresh().catch(() => this.#scheduleRefresh(trustDomain)); // keep the last good bundle; try again later
    }, entry.refreshMs);
    timer.unref();
    this.#timers.add(timer);
  }

  #fetch(url: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const failed = (why: string) => reject(new TesseraError('ERR_UNAVAILABLE', `fetching the bundle from ${url} failed: ${why}`));
      const req = https.get(url, { ...(this.#webRoots && { ca: this.#webRoots }), timeout: FETCH_TIMEOUT_MS }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          failed(`HTTP ${res.statusCode}`);
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > MAX_SPIFFE_BUNDLE_BYTES) req.destroy(new Error('larger than 1 MiB'));
        });
        res.on('end', () => resolve(body));
        res.on('error', (err) => failed(err.message));
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => failed(err.message));
    });
  }
}
