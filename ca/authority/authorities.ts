/**
 * The CA's signing authorities with their lifecycle (ca/authority/lifecycle.ts):
 * the X.509 intermediates under the root and the JWT signing keys. Their states
 * live in the store (`authority/<kind>/<id>`), each change in one journal
 * transaction with its audit record and the new bundle sequence number
 * (`meta/bundle_sequence`), so every transition survives kill -9. Keys live in
 * `<dataDir>/keys` (0600), written before the transaction that names them: a
 * crash in between leaves an unused file, never a record without its key.
 * The trust bundle is derived from the records on every change.
 */
import { X509Certificate, createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { X509Bundle } from '../../agent-sdk/bundle.js';
import type { Clock } from '../../agent-sdk/clock.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { JwtBundle } from '../../agent-sdk/jwt-bundle.js';
import { readCertificate } from '../../agent-sdk/certificate.js';
import { derToPem } from '../../agent-sdk/tls-material.js';
import type { Journal } from '../audit/journal.js';
import { type AuditEvent, prefixRange } from '../audit/record.js';
import { checkAudited } from '../issuance/context.js';
import { decodeRecord, encodeRecord } from '../issuance/records.js';
import type { Store, StoreOp } from '../store/store.js';
import { JwtAuthority } from './jwt-authority.js';
import {
  type CaCredential, type CaRoot, createIntermediate, createRoot, isIssuedBy, keysDir, loadCredential, loadOrCreateRoot, loadRoot, signingRoot,
  writeAtomically, writeCredential,
} from './keys.js';
import { checkImportedIntermediate, checkOperatorRoot } from './imported-intermediate.js';
import { checkRootStep } from './root-rotation.js';
import { offlineRootWarnings } from './offline-root.js';
import {
  AUTHORITY_KINDS, type AuthorityKind, type AuthorityRecord, type AuthoritySchedule, type AuthorityState, type AuthorityStep, checkPrepare, dueStep, planStep,
} from './lifecycle.js';

const AUTHORITY_PREFIX = 'authority/';
const authorityKey = (kind: AuthorityKind, id: string) => `${AUTHORITY_PREFIX}${kind}/${id}`;
const SEQUENCE_KEY = 'meta/bundle_sequence';
/** The key files a CA made before authorities had a lifecycle; adopted as the first active ones. */
const LEGACY_FILE: Record<AuthorityKind, string> = { x509: 'intermediate', jwt: 'jwt', root: 'root' };

export interface AuthoritiesParams {
  readonly dataDir: string;
  readonly trustDomain: string;
  readonly store: Store;
  readonly journal: Journal;
  readonly clock: Clock;
  readonly rootTtlMs: number;
  /** The lifetime of an intermediate, and of a JWT key's turn as the signer. */
  readonly intermediateTtlMs: number;
  readonly schedule: AuthoritySchedule;
}

/** What `show` reports about one authority. */
export interface AuthorityView extends AuthorityRecord {
  /** PEM of the certificate (X.509 intermediates and roots). */
  readonly certificatePem?: string;
}

export class Authorities {
  readonly trustDomain: string;
  readonly #params: AuthoritiesParams;
  /** The root made or brought before roots had records: adopted as the first active root. */
  readonly #firstRoot: CaRoot;
  readonly #roots = new Map<string, CaRoot>();
  /** Which root signed each intermediate (by id). */
  readonly #issuers = new Map<string, string>();
  readonly #dir: string;
  readonly #records = new Map<string, AuthorityRecord>();
  readonly #x509 = new Map<string, CaCredential>();
  readonly #jwt = new Map<string, JwtAuthority>();
  readonly #listeners = new Set<(kind: AuthorityKind) => void>();
  #sequence: number;
  #bundle!: X509Bundle;
  #jwtBundle!: JwtBundle;
  /** Transitions run one at a time: each decides on the state the previous one left. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(params: AuthoritiesParams, dir: string, root: CaRoot, sequence: number) {
    this.trustDomain = params.trustDomain;
    this.#params = params;
    this.#dir = dir;
    this.#firstRoot = root;
    this.#sequence = sequence;
  }

  /**
   * Loads the root, the stored authorities and their keys; adopts the keys of a
   * CA from before the lifecycle; then prepares and activates whatever the
   * schedule says is due (on first start: one of each kind).
   *
   * @throws {TesseraError} ERR_CONFIG_INVALID for keys of another trust domain, a
   *   missing or mismatched key file, or an intermediate the root did not sign.
   * @example const authorities = await Authorities.load({ dataDir, trustDomain, store, journal, clock, rootTtlMs, intermediateTtlMs, schedule });
   */
  static async load(params: AuthoritiesParams): Promise<Authorities> {
    const dir = await keysDir(params.dataDir);
    const root = await loadOrCreateRoot(dir, params);
    const sequence = decodeRecord<{ sequence: number }>(await params.store.get(SEQUENCE_KEY))?.sequence ?? 0;
    const authorities = new Authorities(params, dir, root, sequence);
    const records: AuthorityRecord[] = [];
    for await (const [, value] of params.store.entries(prefixRange(AUTHORITY_PREFIX))) records.push(decodeRecord<AuthorityRecord>(value)!);
    // Roots first: each intermediate is checked against the root that signed it.
    for (const record of records.filter((r) => r.kind === 'root')) await authorities.#loadKey(record);
    await authorities.#adoptLegacy('root');
    for (const record of records.filter((r) => r.kind !== 'root')) await authorities.#loadKey(record);
    authorities.#rebuild();
    for (const kind of AUTHORITY_KINDS) await authorities.#adoptLegacy(kind);
    await authorities.tick();
    if (!authorities.#activeId('x509')) {
      throw new TesseraError('ERR_CONFIG_INVALID', `no usable intermediate in ${dir}: with an offline root, give one with tessera ca init --root-cert FILE --intermediate-cert FILE --intermediate-key FILE`);
    }
    return authorities;
  }

  /** The active root, which signs the intermediates prepared now. */
  get root(): CaRoot {
    return this.#roots.get(this.#active('root').id)!;
  }

  /**
   * Every root this CA has had, revoked ones included, as certificates: audit
   * checkpoints of the past were signed under any of them.
   */
  get everyRoot(): X509Certificate[] {
    return [...this.#roots.values()].map((root) => new X509Certificate(root.der));
  }

  /** The trust bundle: every root not revoked, with the revoked and tainted intermediates' keys. */
  get bundle(): X509Bundle {
    return this.#bundle;
  }

  /** The JWT keys of every authority not revoked. */
  get jwtBundle(): JwtBundle {
    return this.#jwtBundle;
  }

  /** The active intermediate, which signs every X509-SVID. */
  get intermediate(): CaCredential {
    return this.#x509.get(this.#active('x509').id)!;
  }

  /** The active JWT key, which signs every task token. */
  get jwt(): JwtAuthority {
    return this.#jwt.get(this.#active('jwt').id)!;
  }

  /** Calls `listener` after every committed change, with the kind that changed. Returns the unsubscriber. */
  onChange(listener: (kind: AuthorityKind) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The authorities of `kind`, oldest first.
   *
   * @example for (const a of authorities.list('x509')) console.log(a.id, a.state);
   */
  list(kind: AuthorityKind): AuthorityView[] {
    return [...this.#records.values()].filter((r) => r.kind === kind).sort(byAge).map((r) => {
      const credential = kind === 'x509' ? this.#x509.get(r.id) : kind === 'root' ? this.#roots.get(r.id) : undefined;
      return credential ? { ...r, certificatePem: derToPem(credential.der) } : r;
    });
  }

  /**
   * Makes a new key (for X.509: an intermediate signed by the root) and adds it
   * as prepared: in the bundle, signing nothing. Audited.
   *
   * @throws {TesseraError} ERR_AUTHORITY_STATE when one is already prepared.
   * @example const prepared = await authorities.prepare('x509');
   */
  prepare(kind: AuthorityKind): Promise<AuthorityRecord> {
    return this.#serially(async () => {
      const event = { operation: `authority.${kind}.prepare` };
      const root = await checkAudited(this.#params.journal, event, () => {
        checkPrepare([...this.#records.values()], kind);
        // A new root made here would put a root key on a host whose operator keeps theirs offline.
        if (kind === 'root' && !this.root.privateKey) throw new TesseraError('ERR_AUTHORITY_STATE', 'this CA\'s root is offline: bring the new root with `tessera authority root prepare --cert FILE`');
        return kind === 'x509' ? signingRoot(this.root) : undefined;
      });
      const now = this.#params.clock.now();
      let record: AuthorityRecord;
      if (root) {
        const credential = await createIntermediate(this.#dir, `x509-${now}`, root, { ...this.#params, distinctName: true });
        record = recordOf('x509', credential.keyIdentifier.toString('hex'), `x509-${now}`, readValidity(credential), now);
        this.#x509.set(record.id, credential);
        this.#issuers.set(record.id, this.#active('root').id);
      } else if (kind === 'root') {
        const credential = await createRoot(this.#dir, `root-${now}`, { ...this.#params, distinctName: true });
        record = recordOf('root', credential.keyIdentifier.toString('hex'), `root-${now}`, readValidity(credential), now);
        this.#roots.set(record.id, credential);
      } else {
        const jwt = await JwtAuthority.create(this.#dir, `jwt-${now}`);
        record = recordOf('jwt', jwt.keyId, `jwt-${now}`, { notBeforeMs: now, notAfterMs: now + this.#params.intermediateTtlMs }, now);
        this.#jwt.set(record.id, jwt);
      }
      await this.#commit(kind, event, () => [record]);
      return record;
    });
  }

  /**
   * Adds an intermediate made elsewhere (signed by the operator's offline root
   * or, through its chain, by an upstream CA) as the prepared X.509 authority,
   * after checking it (imported-intermediate.ts). Audited, allowed or denied;
   * the key is never logged or audited.
   *
   * @throws {TesseraError} ERR_AUTHORITY_INVALID naming what is wrong with the
   *   certificates or key; ERR_AUTHORITY_STATE when one is already prepared.
   * @example await authorities.importX509(readFileSync('next-intermediate.pem', 'utf8'), readFileSync('next-key.pem', 'utf8'));
   */
  importX509(certificatesPem: string, keyPem: string): Promise<AuthorityRecord> {
    return this.#serially(async () => {
      const event = { operation: 'authority.x509.prepare' };
      const now = this.#params.clock.now();
      const credential = await checkAudited(this.#params.journal, event, () => {
        checkPrepare([...this.#records.values()], 'x509');
        const imported = checkImportedIntermediate({ certificatesPem, keyPem, root: this.root, trustDomain: this.trustDomain, nowMs: now });
        const id = imported.keyIdentifier.toString('hex');
        if (this.#x509.has(id)) throw new TesseraError('ERR_AUTHORITY_STATE', `x509 authority ${id} is already known: bring a new key`);
        return imported;
      });
      await writeCredential(this.#dir, `x509-${now}`, credential);
      const record = recordOf('x509', credential.keyIdentifier.toString('hex'), `x509-${now}`, readValidity(credential), now);
      this.#x509.set(record.id, credential);
      this.#issuers.set(record.id, this.#active('root').id);
      await this.#commit('x509', event, () => [record]);
      return record;
    });
  }

  /**
   * Adds the operator's new root (its certificate alone: the key stays
   * offline) as the prepared root: in the bundle, signing nothing. Audited,
   * allowed or denied.
   *
   * @throws {TesseraError} ERR_AUTHORITY_INVALID naming what is wrong with it;
   *   ERR_AUTHORITY_STATE when a root is already prepared or known.
   * @example await authorities.importRoot(readFileSync('new-root.pem', 'utf8'));
   */
  importRoot(certificatePem: string): Promise<AuthorityRecord> {
    return this.#serially(async () => {
      const event = { operation: 'authority.root.prepare' };
      const now = this.#params.clock.now();
      const root = await checkAudited(this.#params.journal, event, () => {
        checkPrepare([...this.#records.values()], 'root');
        const brought = checkOperatorRoot(certificatePem, now);
        const id = brought.keyIdentifier.toString('hex');
        if (this.#roots.has(id)) throw new TesseraError('ERR_AUTHORITY_STATE', `root ${id} is already known: bring a new one`);
        return brought;
      });
      await writeAtomically(join(this.#dir, `root-${now}-cert.pem`), derToPem(root.der), 0o644);
      const record = recordOf('root', root.keyIdentifier.toString('hex'), `root-${now}`, readValidity(root), now);
      this.#roots.set(record.id, root);
      await this.#commit('root', event, () => [record]);
      return record;
    });
  }

  /**
   * What the operator must act on: with no root key on this host, the
   * schedule cannot prepare the next intermediate, so it says when one is due.
   * Empty when nothing needs doing.
   */
  warnings(): string[] {
    if (this.root.privateKey) return [];
    return offlineRootWarnings([...this.#records.values()], this.#params.schedule, this.#params.clock.now());
  }

  /**
   * Takes one lifecycle step on authority `id` (or on the only one the step
   * applies to): activate a prepared one (the active one becomes old), taint an
   * old one, revoke a tainted one. Audited, allowed or denied.
   *
   * @throws {TesseraError} ERR_AUTHORITY_STATE for a step the authority's state
   *   does not allow; ERR_NOT_FOUND for an unknown id.
   * @example await authorities.step('x509', 'taint', oldId);
   */
  step(kind: AuthorityKind, step: AuthorityStep, id?: string): Promise<AuthorityRecord[]> {
    return this.#serially(() => this.#commit(kind, { operation: `authority.${kind}.${step}`, ...(id && { serial: id }) }, () => {
      const records = [...this.#records.values()];
      const now = this.#params.clock.now();
      const changed = planStep(records, kind, step, id, now);
      if (kind === 'root') checkRootStep(step, changed[0]!.id, records, (x509Id) => this.#issuers.get(x509Id), now);
      return changed;
    }));
  }

  /**
   * Prepares and activates what the schedule says is due now, for each kind.
   * Resolves when done. @throws whatever prepare and step throw.
   */
  async tick(): Promise<void> {
    for (const kind of AUTHORITY_KINDS) {
      for (let due = this.#due(kind); due; due = this.#due(kind)) {
        // Without the root key only the operator can bring the next intermediate: warnings() says so.
        if (due === 'prepare' && kind === 'x509' && !this.root.privateKey) break;
        if (due === 'prepare') await this.prepare(kind);
        else await this.step(kind, 'activate');
      }
    }
  }

  /**
   * Runs the schedule every `everyMs`; returns the stopper. A failed run is
   * reported to `onFailed` and tried again at the next one.
   */
  schedule(everyMs: number, onFailed: (err: unknown) => void, onWarnings: (warnings: string[]) => void = () => {}): () => void {
    const run = async () => {
      await this.tick();
      const warnings = this.warnings();
      if (warnings.length > 0) onWarnings(warnings);
    };
    const timer = setInterval(() => run().catch(onFailed), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  #due(kind: AuthorityKind) {
    return dueStep([...this.#records.values()], kind, this.#params.schedule, this.#params.clock.now());
  }

  #activeId(kind: AuthorityKind): string | undefined {
    for (const r of this.#records.values()) if (r.kind === kind && r.state === 'active') return r.id;
    return undefined;
  }

  #active(kind: AuthorityKind): AuthorityRecord {
    for (const r of this.#records.values()) if (r.kind === kind && r.state === 'active') return r;
    throw new TesseraError('ERR_UNAVAILABLE', `no active ${kind} authority`);
  }

  #serially<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(run);
    this.#queue = result.catch(() => {});
    return result;
  }

  /** One transaction: the changed records, the next bundle sequence number, the audit record. */
  async #commit(kind: AuthorityKind, event: AuditEvent, plan: () => AuthorityRecord[]): Promise<AuthorityRecord[]> {
    const sequence = this.#sequence + 1;
    const changed = await this.#params.journal.commit({
      read: [],
      audit: event,
      decide: () => {
        const records = plan();
        const ops: StoreOp[] = records.map((r) => ({ type: 'put', key: authorityKey(r.kind, r.id), value: encodeRecord(r) }));
        ops.push({ type: 'put', key: SEQUENCE_KEY, value: encodeRecord({ sequence }) });
        return { ops, result: records, audit: { serial: records[0]!.id } };
      },
    });
    for (const r of changed) this.#records.set(authorityKey(r.kind, r.id), r);
    this.#sequence = sequence;
    this.#rebuild();
    for (const listener of this.#listeners) listener(kind);
    return changed;
  }

  async #loadKey(record: AuthorityRecord): Promise<void> {
    if (record.kind === 'x509') {
      const credential = await loadCredential(this.#dir, record.file);
      if (!credential) throw new TesseraError('ERR_CONFIG_INVALID', `the key of x509 authority ${record.id} is missing from ${this.#dir}`);
      this.#issuers.set(record.id, this.#issuerOf(credential));
      this.#x509.set(record.id, credential);
    } else if (record.kind === 'root') {
      const root = await loadRoot(this.#dir, record.file);
      if (!root) throw new TesseraError('ERR_CONFIG_INVALID', `the certificate of root ${record.id} is missing from ${this.#dir}`);
      this.#roots.set(record.id, root);
    } else {
      const jwt = await JwtAuthority.load(this.#dir, record.file);
      if (!jwt) throw new TesseraError('ERR_CONFIG_INVALID', `the key of jwt authority ${record.id} is missing from ${this.#dir}`);
      this.#jwt.set(record.id, jwt);
    }
    this.#records.set(authorityKey(record.kind, record.id), record);
  }

  /** A CA upgraded from before the lifecycle keeps its intermediate and JWT key, as the active ones. */
  async #adoptLegacy(kind: AuthorityKind): Promise<void> {
    if ([...this.#records.values()].some((r) => r.kind === kind)) return;
    const now = this.#params.clock.now();
    let record: AuthorityRecord | undefined;
    if (kind === 'root') {
      const root = this.#firstRoot;
      record = { ...recordOf('root', root.keyIdentifier.toString('hex'), LEGACY_FILE.root, readValidity(root), now), state: 'active' };
      this.#roots.set(record.id, root);
    } else if (kind === 'x509') {
      const credential = await loadCredential(this.#dir, LEGACY_FILE.x509);
      if (!credential || credential.notAfterMs <= now) return;
      record = { ...recordOf('x509', credential.keyIdentifier.toString('hex'), LEGACY_FILE.x509, readValidity(credential), now), state: 'active' };
      this.#issuers.set(record.id, this.#issuerOf(credential));
      this.#x509.set(record.id, credential);
    } else {
      const jwt = await JwtAuthority.load(this.#dir, LEGACY_FILE.jwt);
      if (!jwt) return;
      record = { ...recordOf('jwt', jwt.keyId, LEGACY_FILE.jwt, { notBeforeMs: now, notAfterMs: now + this.#params.intermediateTtlMs }, now), state: 'active' };
      this.#jwt.set(record.id, jwt);
    }
    const adopted = record;
    await this.#commit(kind, { operation: `authority.${kind}.adopt` }, () => [adopted]);
  }

  /** @throws {TesseraError} ERR_CONFIG_INVALID when no root of this CA signed `credential`. */
  #issuerOf(credential: CaCredential): string {
    for (const [id, root] of this.#roots) if (isIssuedBy(credential, root)) return id;
    throw new TesseraError('ERR_CONFIG_INVALID', `the intermediate CA certificate ${credential.keyIdentifier.toString('hex')} in ${this.#dir} is not signed by any root of this CA`);
  }

  #rebuild(): void {
    const records = [...this.#records.values()];
    const keysIn = (state: AuthorityRecord['state']) => records.filter((r) => r.kind === 'x509' && r.state === state)
      .map((r) => createPublicKey(this.#x509.get(r.id)!.privateKey).export({ format: 'der', type: 'spki' }));
    const roots = records.filter((r) => r.kind === 'root' && r.state !== 'revoked').sort(byAge).map((r) => this.#roots.get(r.id)!.der);
    this.#bundle = new X509Bundle(this.trustDomain, roots, this.#sequence, { revoked: keysIn('revoked'), tainted: keysIn('tainted') });
    const jwt = records.filter((r) => r.kind === 'jwt' && r.state !== 'revoked');
    this.#jwtBundle = new JwtBundle(this.trustDomain, jwt.map((r) => ({ keyId: r.id, publicKey: this.#jwt.get(r.id)!.publicKey })), this.#sequence);
  }
}

/**
 * Oldest first. An X.509 notBefore has whole seconds, so two authorities made
 * within one second tie; the lifecycle then says which is older (a prepared one
 * is the newest), where the store's order (by key id) would say nothing.
 */
function byAge(a: AuthorityRecord, b: AuthorityRecord): number {
  return a.notBeforeMs - b.notBeforeMs || LIFECYCLE_ORDER[a.state] - LIFECYCLE_ORDER[b.state];
}

const LIFECYCLE_ORDER: Record<AuthorityState, number> = { revoked: 0, tainted: 1, old: 2, active: 3, prepared: 4 };

function recordOf(
  kind: AuthorityKind, id: string, file: string, validity: { notBeforeMs: number; notAfterMs: number }, nowMs: number,
): AuthorityRecord {
  return { kind, id, state: 'prepared', file, ...validity, changedAtMs: nowMs };
}

function readValidity(credential: Pick<CaCredential, 'der' | 'notAfterMs'>): { notBeforeMs: number; notAfterMs: number } {
  return { notBeforeMs: readCertificate(credential.der).notBeforeMs, notAfterMs: credential.notAfterMs };
}
