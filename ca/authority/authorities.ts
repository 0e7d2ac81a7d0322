/**
 * The CA's signing authorities with their lifecycle (ca/authority/lifecycle.ts):
 * the roots (root-rotation.ts), the X.509 intermediates under them and the JWT
 * signing keys. Records and the intermediates' and JWT keys (sealed with the
 * KEK) live in the store (stored-authorities.ts); roots stay files in
 * `<dataDir>/keys`, a root's key absent when the operator keeps it offline. Each
 * change is one journal transaction with its audit record and the new bundle
 * sequence number, so every transition survives kill -9. Replicas on one
 * database follow each other's changes through `refresh` (follow-shared.ts),
 * and a transition commits only on the state it was decided on (the sequence
 * number, compared under the journal's lock). The trust bundle is derived
 * from the records on every change.
 */
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { X509Bundle } from '../../agent-sdk/bundle.js';
import type { Clock } from '../../agent-sdk/clock.js';
import { TesseraError, isTesseraError } from '../../agent-sdk/errors.js';
import { JwtBundle } from '../../agent-sdk/jwt-bundle.js';
import { MAX_JWT_SVID_TTL_MS } from '../../agent-sdk/jwt-svid.js';
import { readCertificate } from '../../agent-sdk/certificate.js';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import { derToPem } from '../../agent-sdk/tls-material.js';
import type { Journal } from '../audit/journal.js';
import type { AuditEvent } from '../audit/record.js';
import { checkAudited } from '../issuance/context.js';
import { decodeRecord, encodeRecord } from '../issuance/records.js';
import type { Store, StoreOp } from '../store/store.js';
import type { RevocationFeed } from '../revocation/feed.js';
import { REVOCATION_HEAD_KEY, type RevocationDraft, type StoredRevocation, revocationOps } from '../revocation/records.js';
import type { JwtAuthority } from './jwt-authority.js';
import type { KeyVault } from './key-vault.js';
import {
  type CaCredential, type CaRoot, createRoot, isIssuedBy, keysDir, loadOrCreateRoot, signingRoot, writeAtomically,
} from './keys.js';
import { checkImportedIntermediate, checkOperatorRoot } from './imported-intermediate.js';
import { intermediateCsr } from './intermediate-csr.js';
import { checkRootStep, loadRecordedRoot } from './root-rotation.js';
import { offlineRootWarnings } from './offline-root.js';
import {
  AUTHORITY_KINDS, type AuthorityKind, type AuthorityRecord, type AuthoritySchedule, type AuthorityState, type AuthorityStep, checkPrepare, dueStep, planStep,
} from './lifecycle.js';
import { ScheduleLease } from './schedule-lease.js';
import {
  type KeyMaterial, PENDING_X509_KEY, SEQUENCE_KEY, authorityKey, keyMaterialOp, newKeyMaterial, pendingKeyOp, readAuthorityRecords, readKeyFile,
  readKeyMaterial, readPendingKey, removeKeyFiles,
} from './stored-authorities.js';

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
  /** The key-encryption key that seals the authorities' keys in the store (the same on every replica). */
  readonly vault: KeyVault;
  /** Where a revoked authority's revocation entry goes once committed (the WatchRevocations streams). */
  readonly revocations: Pick<RevocationFeed, 'publish'>;
}

/** What `show` reports about one authority. */
export interface AuthorityView extends AuthorityRecord {
  /** PEM of the intermediate certificate (X.509 only). */
  readonly certificatePem?: string;
}

export class Authorities {
  readonly trustDomain: string;
  readonly #params: AuthoritiesParams;
  /** The root made or brought before roots had records (keys/root-cert.pem): adopted as the first active root. */
  readonly #firstRoot: CaRoot;
  readonly #roots = new Map<string, CaRoot>();
  /** Which root signed each intermediate (by id). */
  readonly #issuers = new Map<string, string>();
  readonly #dir: string;
  readonly #lease: ScheduleLease;
  readonly #records = new Map<string, AuthorityRecord>();
  readonly #x509 = new Map<string, CaCredential>();
  readonly #jwt = new Map<string, JwtAuthority>();
  readonly #listeners = new Set<(kind: AuthorityKind) => void>();
  /** The bundle sequence number of the records held; -1 before the first read. */
  #sequence = -1;
  #bundle!: X509Bundle;
  #jwtBundle!: JwtBundle;
  /** Transitions and reads run one at a time: each decides on the state the previous one left. */
  #queue: Promise<unknown> = Promise.resolve();
  /** The schedule's run under way: a timer tick during a slow run must not start a second one. */
  #ticking: Promise<void> | undefined;

  private constructor(params: AuthoritiesParams, dir: string, root: CaRoot) {
    this.trustDomain = params.trustDomain;
    this.#params = params;
    this.#dir = dir;
    this.#firstRoot = root;
    this.#roots.set(root.keyIdentifier.toString('hex'), root);
    this.#lease = new ScheduleLease(params.store, params.clock);
  }

  /**
   * Loads the root, the stored authorities and their keys; moves the key files
   * of a CA from before into the store (and adopts those from before the
   * lifecycle); then prepares and activates whatever the schedule says is due
   * (on the first start on a store: one of each kind; replicas starting
   * together wait for the one that makes them).
   *
   * @throws {TesseraError} ERR_CONFIG_INVALID for keys of another trust domain, a
   *   missing or mismatched key, or an intermediate the root did not sign;
   *   ERR_KEYS_MISMATCH for keys sealed with another key-encryption key.
   * @example const authorities = await Authorities.load({ dataDir, trustDomain, store, journal, clock, rootTtlMs, intermediateTtlMs, schedule, vault });
   */
  static async load(params: AuthoritiesParams): Promise<Authorities> {
    const dir = await keysDir(params.dataDir);
    const root = await loadOrCreateRoot(dir, params);
    const authorities = new Authorities(params, dir, root);
    const fromFiles = await authorities.#read();
    for (const material of fromFiles) await authorities.#moveIntoStore(material);
    for (const kind of ['root', ...AUTHORITY_KINDS] as const) await authorities.#adoptLegacy(kind);
    for (await authorities.tick(); !authorities.#hasActive(); await authorities.tick()) {
      // Without the root key nothing here can make the intermediate: the operator brings it (offline-root.ts).
      if (!authorities.root.privateKey && !authorities.#hasActiveOf('x509')) {
        throw new TesseraError('ERR_CONFIG_INVALID', `no usable intermediate in ${dir}: with an offline root, give one with tessera ca init --root-cert FILE --intermediate-cert FILE --intermediate-key FILE`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return authorities;
  }

  /** The active root, which signs the intermediates prepared now (the first root until roots have records). */
  get root(): CaRoot {
    const active = [...this.#records.values()].find((r) => r.kind === 'root' && r.state === 'active');
    return active ? this.#roots.get(active.id)! : this.#firstRoot;
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

  /** Calls `listener` after every change (made here or read from the store), with the kind that changed. Returns the unsubscriber. */
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
   * as prepared: in the bundle, signing nothing. Its key is sealed into the
   * store in the same transaction. Audited.
   *
   * @throws {TesseraError} ERR_AUTHORITY_STATE when one is already prepared, or
   *   another replica changed the authorities in the meantime.
   * @example const prepared = await authorities.prepare('x509');
   */
  prepare(kind: AuthorityKind): Promise<AuthorityRecord> {
    return this.#serially(async () => {
      await this.#readAndTell();
      const event = { operation: `authority.${kind}.prepare` };
      await checkAudited(this.#params.journal, event, () => {
        checkPrepare([...this.#records.values()], kind);
        // A new root made here would put a root key on a host whose operator keeps theirs offline.
        if (kind === 'root' && !this.root.privateKey) throw new TesseraError('ERR_AUTHORITY_STATE', 'this CA\'s root is offline: bring the new root with `tessera authority root prepare --cert FILE`');
        if (kind === 'x509') signingRoot(this.root);
      });
      const now = this.#params.clock.now();
      if (kind === 'root') {
        // Roots stay files, like the first one: replicas need a copy (docs/ha.md).
        const root = await createRoot(this.#dir, `root-${now}`, { ...this.#params, distinctName: true });
        return this.#addRoot(root, `root-${now}`, event, now);
      }
      const material = await newKeyMaterial(kind, this.root, this.#params);
      return this.#addPrepared(material, event, now);
    });
  }

  /**
   * Makes the key of the next intermediate here and seals it into the store
   * as the pending key (replacing an earlier one), and returns a PEM
   * certification request for it (intermediate-csr.ts), for the operator's
   * offline root or upstream CA to sign; `importX509` with the certificate
   * alone then brings it. The key never leaves this host. Audited.
   *
   * @example writeFileSync('next.csr', await authorities.createIntermediateCsr());
   */
  createIntermediateCsr(): Promise<string> {
    return this.#serially(async () => {
      const privateKey = generateP256Key();
      const op = await pendingKeyOp(this.#params.vault, privateKey);
      await this.#params.journal.commit({ read: [], audit: { operation: 'authority.x509.csr' }, decide: () => ({ ops: [op], result: undefined }) });
      return intermediateCsr(privateKey, this.trustDomain);
    });
  }

  /**
   * Adds an intermediate made elsewhere (signed by the operator's offline root
   * or, through its chain, by an upstream CA) as the prepared X.509 authority,
   * after checking it (imported-intermediate.ts); its key is sealed into the
   * store with its chain. Without `keyPem` the certificate must be for the
   * pending key (createIntermediateCsr), which it then uses up. Audited,
   * allowed or denied; the key is never logged or audited.
   *
   * @throws {TesseraError} ERR_AUTHORITY_INVALID naming what is wrong with the
   *   certificates or key (`key_mismatch`: not the pending key's certificate);
   *   ERR_AUTHORITY_STATE when one is already prepared, or no key was given and none is pending.
   * @example await authorities.importX509(readFileSync('next-intermediate.pem', 'utf8'), readFileSync('next-key.pem', 'utf8'));
   */
  importX509(certificatesPem: string, keyPem?: string): Promise<AuthorityRecord> {
    return this.#serially(async () => {
      await this.#readAndTell();
      const event = { operation: 'authority.x509.prepare' };
      const now = this.#params.clock.now();
      const pending = keyPem === undefined ? await readPendingKey(this.#params.store, this.#params.vault) : undefined;
      const credential = await checkAudited(this.#params.journal, event, () => {
        checkPrepare([...this.#records.values()], 'x509');
        if (keyPem === undefined && !pending) {
          throw new TesseraError('ERR_AUTHORITY_STATE', 'no intermediate key is pending: make one with `tessera authority x509 csr`, or bring the key with --key');
        }
        const imported = checkImportedIntermediate({
          certificatesPem, keyPem: keyPem ?? pending!.export({ format: 'pem', type: 'pkcs8' }).toString(), root: this.root, trustDomain: this.trustDomain, nowMs: now,
        });
        const id = imported.keyIdentifier.toString('hex');
        if (this.#x509.has(id)) throw new TesseraError('ERR_AUTHORITY_STATE', `x509 authority ${id} is already known: bring a new key`);
        return imported;
      });
      const material: KeyMaterial = { kind: 'x509', id: credential.keyIdentifier.toString('hex'), privateKey: credential.privateKey, credential };
      return this.#addPrepared(material, event, now, pending ? [{ type: 'del', key: PENDING_X509_KEY }] : []);
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
      await this.#readAndTell();
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
      return this.#addRoot(root, `root-${now}`, event, now);
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

  /** Commits `material` as the prepared authority of its kind, its key sealed into the store in the same transaction. */
  async #addPrepared(material: KeyMaterial, event: AuditEvent, now: number, ops: StoreOp[] = []): Promise<AuthorityRecord> {
    const validity = material.kind === 'x509' ? readValidity(material.credential) : { notBeforeMs: now, notAfterMs: now + this.#params.intermediateTtlMs };
    const record: AuthorityRecord = { kind: material.kind, id: material.id, state: 'prepared', ...validity, changedAtMs: now };
    this.#holdKey(material);
    await this.#commit(material.kind, event, () => [record], [await keyMaterialOp(this.#params.vault, material), ...ops]);
    return record;
  }

  /** Commits `root`, written as the files `file` in the keys folder, as the prepared root. */
  async #addRoot(root: CaRoot, file: string, event: AuditEvent, now: number): Promise<AuthorityRecord> {
    const record: AuthorityRecord = { kind: 'root', id: root.keyIdentifier.toString('hex'), state: 'prepared', file, ...readValidity(root), changedAtMs: now };
    this.#roots.set(record.id, root);
    await this.#commit('root', event, () => [record]);
    return record;
  }

  /**
   * Takes one lifecycle step on authority `id` (or on the only one the step
   * applies to): activate a prepared one (the active one becomes old), taint an
   * old one, revoke a tainted one. Audited, allowed or denied. A revoke also
   * commits a revocation entry naming the authority's key (x509_authority, for
   * an intermediate or a root) or key id (jwt_authority), so that validators
   * following only the revocation feed refuse it too.
   *
   * @throws {TesseraError} ERR_AUTHORITY_STATE for a step the authority's state
   *   does not allow, or when another replica changed the authorities in the
   *   meantime; ERR_NOT_FOUND for an unknown id.
   * @example await authorities.step('x509', 'taint', oldId);
   */
  step(kind: AuthorityKind, step: AuthorityStep, id?: string): Promise<AuthorityRecord[]> {
    return this.#serially(async () => {
      await this.#readAndTell();
      return this.#commit(kind, { operation: `authority.${kind}.${step}`, ...(id && { serial: id }) }, () => {
        const records = [...this.#records.values()];
        const now = this.#params.clock.now();
        const changed = planStep(records, kind, step, id, now);
        if (kind === 'root') checkRootStep(step, changed[0]!.id, records, (x509Id) => this.#issuers.get(x509Id), now);
        return changed;
      }, [], step === 'revoke' ? (revoked) => this.#revocationOf(revoked) : undefined);
    });
  }

  /** The revocation entry for a revoked authority: it covers what the authority could still vouch for. */
  #revocationOf(revoked: AuthorityRecord): RevocationDraft {
    const now = this.#params.clock.now();
    const common = { coveredIds: [], revokedAtMs: now, cause: 'operator' as const };
    if (revoked.kind === 'jwt') {
      // A stolen JWT key signs tokens valid for MAX_JWT_SVID_TTL_MS from whenever it is used, while a bundle lists it.
      return { ...common, kind: 'jwt_authority', target: revoked.id, expiresAtMs: Math.max(revoked.notAfterMs, now + MAX_JWT_SVID_TTL_MS) };
    }
    // A path through an X.509 authority is invalid once the authority expired.
    const publicKey = this.#publicKeyOf(revoked);
    return {
      ...common, kind: 'x509_authority', target: createHash('sha256').update(publicKey).digest('hex'),
      publicKey: publicKey.toString('base64'), expiresAtMs: revoked.notAfterMs,
    };
  }

  /** The DER SubjectPublicKeyInfo of an X.509 authority (an intermediate or a root). */
  #publicKeyOf(record: AuthorityRecord): Buffer {
    if (record.kind === 'root') return readCertificate(this.#roots.get(record.id)!.der).subjectPublicKeyInfo;
    return createPublicKey(this.#x509.get(record.id)!.privateKey).export({ format: 'der', type: 'spki' });
  }

  /**
   * Reads the authorities from the store again and takes on what another
   * replica changed (keys included); listeners hear of each kind that changed.
   * Resolves when done.
   *
   * @throws {TesseraError} ERR_UNAVAILABLE when the store cannot be reached;
   *   whatever reading a new authority's key throws (see Authorities.load).
   */
  refresh(): Promise<void> {
    return this.#serially(() => this.#readAndTell());
  }

  /**
   * Prepares and activates what the schedule says is due now, for each kind,
   * on the state in the store; of several replicas, the one holding the
   * schedule lease acts. A call while a run is under way joins that run.
   * Resolves when done. @throws whatever prepare and step throw.
   */
  tick(): Promise<void> {
    this.#ticking ??= this.#runSchedule().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  async #runSchedule(): Promise<void> {
    await this.refresh();
    if (!AUTHORITY_KINDS.some((kind) => this.#due(kind)) || !await this.#lease.take()) return;
    try {
      // What the previous holder did is committed before it let go: read it.
      await this.refresh();
      for (const kind of AUTHORITY_KINDS) {
        for (let due = this.#due(kind); due; due = this.#due(kind)) {
          // Without the root key only the operator can bring the next intermediate: warnings() says so.
          if (due === 'prepare' && kind === 'x509' && !this.root.privateKey) break;
          if (due === 'prepare') await this.prepare(kind);
          else await this.step(kind, 'activate');
        }
      }
    } finally {
      await this.#lease.release();
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

  #active(kind: AuthorityKind): AuthorityRecord {
    for (const r of this.#records.values()) if (r.kind === kind && r.state === 'active') return r;
    throw new TesseraError('ERR_UNAVAILABLE', `no active ${kind} authority`);
  }

  #hasActive(): boolean {
    return AUTHORITY_KINDS.every((kind) => this.#hasActiveOf(kind));
  }

  #hasActiveOf(kind: AuthorityKind): boolean {
    return [...this.#records.values()].some((r) => r.kind === kind && r.state === 'active');
  }

  #serially<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(run);
    this.#queue = result.catch(() => {});
    return result;
  }

  /**
   * One transaction: the changed records, the next bundle sequence number, the
   * audit record, `ops` (a new key), and with `revocation` the revocation entry
   * for the first changed record (published once durable). It commits only if
   * the stored sequence number is still the one these records were read at:
   * every change raises it under the journal's lock, so no replica decides on a
   * state another changed.
   */
  async #commit(
    kind: AuthorityKind, event: AuditEvent, plan: () => AuthorityRecord[], ops: StoreOp[] = [],
    revocation?: (record: AuthorityRecord) => RevocationDraft,
  ): Promise<AuthorityRecord[]> {
    const readAt = this.#sequence;
    const sequence = readAt + 1;
    const { records: changed, entry } = await this.#params.journal.commit<{ records: AuthorityRecord[]; entry?: StoredRevocation }>({
      read: [SEQUENCE_KEY, ...(revocation ? [REVOCATION_HEAD_KEY] : [])],
      audit: event,
      decide: (current) => {
        if (sequenceIn(current.get(SEQUENCE_KEY)) !== readAt) {
          throw new TesseraError('ERR_AUTHORITY_STATE', 'another replica changed the authorities at the same moment: show them again and retry');
        }
        const records = plan();
        const writes: StoreOp[] = records.map((r) => ({ type: 'put', key: authorityKey(r.kind, r.id), value: encodeRecord(r) }));
        writes.push(...ops, { type: 'put', key: SEQUENCE_KEY, value: encodeRecord({ sequence }) });
        const revoked = revocation && revocationOps(current, revocation(records[0]!));
        if (revoked) writes.push(...revoked.ops);
        return { ops: writes, result: { records, ...(revoked && { entry: revoked.entry }) }, audit: { serial: records[0]!.id } };
      },
    });
    for (const r of changed) this.#records.set(authorityKey(r.kind, r.id), r);
    this.#sequence = sequence;
    this.#rebuild();
    if (entry) this.#params.revocations.publish([entry]);
    for (const listener of this.#listeners) listener(kind);
    return changed;
  }

  /** `#read`, then tells the listeners which kinds changed. */
  async #readAndTell(): Promise<void> {
    const before = new Map(this.#records);
    await this.#read();
    const changed = new Set([...this.#records.values()].filter((r) => before.get(authorityKey(r.kind, r.id))?.state !== r.state).map((r) => r.kind));
    for (const kind of changed) for (const listener of this.#listeners) listener(kind);
  }

  /**
   * Takes on the store's records when its sequence number moved, reading the
   * key of each authority not held yet. Returns the keys that came from files
   * of a CA from before (still to move into the store).
   */
  async #read(): Promise<KeyMaterial[]> {
    const { sequence, records } = await readAuthorityRecords(this.#params.store);
    if (sequence === this.#sequence) return [];
    const fromFiles: KeyMaterial[] = [];
    // Roots first: each intermediate is checked against the root that signed it.
    for (const record of records.filter((r) => r.kind === 'root')) {
      if (!this.#roots.has(record.id)) this.#roots.set(record.id, await loadRecordedRoot(this.#dir, record));
      this.#records.set(authorityKey(record.kind, record.id), record);
    }
    for (const record of records.filter((r) => r.kind !== 'root')) {
      if (!this.#x509.has(record.id) && !this.#jwt.has(record.id)) {
        const found = await readKeyMaterial(this.#params.store, this.#params.vault, this.#dir, [...this.#roots.values()], record);
        if (!found) throw new TesseraError('ERR_CONFIG_INVALID', `the key of ${record.kind} authority ${record.id} is neither in the store nor in ${this.#dir}`);
        this.#holdKey(found.material);
        if (found.fromFile) fromFiles.push(found.material);
        // This replica's copies of a key another one moved into the store.
        else if (record.file !== undefined) await removeKeyFiles(this.#dir, record.file);
      }
      this.#records.set(authorityKey(record.kind, record.id), record);
    }
    this.#sequence = sequence;
    this.#rebuild();
    return fromFiles;
  }

  /** Seals a key read from the files of a CA from before into the store (audited), then deletes the files. */
  async #moveIntoStore(material: KeyMaterial): Promise<void> {
    const record = this.#records.get(authorityKey(material.kind, material.id))!;
    const op = await keyMaterialOp(this.#params.vault, material);
    await this.#params.journal.commit({
      read: [], audit: { operation: `authority.${material.kind}.store_key`, serial: material.id }, decide: () => ({ ops: [op], result: undefined }),
    });
    await removeKeyFiles(this.#dir, record.file!);
  }

  /** @throws {TesseraError} ERR_CONFIG_INVALID for an intermediate no root of this CA signed. */
  #holdKey(material: KeyMaterial): void {
    if (material.kind === 'x509') {
      this.#issuers.set(material.id, this.#issuerOf(material.credential));
      this.#x509.set(material.id, material.credential);
    } else {
      this.#jwt.set(material.id, material.jwt);
    }
  }

  /** @throws {TesseraError} ERR_CONFIG_INVALID when no root of this CA signed `credential`. */
  #issuerOf(credential: CaCredential): string {
    for (const [id, root] of this.#roots) if (isIssuedBy(credential, root)) return id;
    throw new TesseraError('ERR_CONFIG_INVALID', `the intermediate CA certificate ${credential.keyIdentifier.toString('hex')} in ${this.#dir} is not signed by any root of this CA`);
  }

  /**
   * The first root (keys/root-cert.pem) becomes the first active root. A CA
   * upgraded from before the lifecycle, or given an intermediate by `ca init`,
   * keeps its intermediate and JWT key as the active ones, sealed into the
   * store, and their files deleted.
   */
  async #adoptLegacy(kind: AuthorityKind): Promise<void> {
    if (this.#hasAny(kind)) return;
    const now = this.#params.clock.now();
    let adopted: AuthorityRecord;
    const ops: StoreOp[] = [];
    if (kind === 'root') {
      const root = this.#firstRoot;
      adopted = { kind, id: root.keyIdentifier.toString('hex'), state: 'active', file: LEGACY_FILE.root, ...readValidity(root), changedAtMs: now };
    } else {
      const material = await readKeyFile(this.#dir, kind, LEGACY_FILE[kind]);
      if (!material || (material.kind === 'x509' && material.credential.notAfterMs <= now)) return;
      const validity = material.kind === 'x509' ? readValidity(material.credential) : { notBeforeMs: now, notAfterMs: now + this.#params.intermediateTtlMs };
      adopted = { kind, id: material.id, state: 'active', ...validity, changedAtMs: now };
      this.#holdKey(material);
      ops.push(await keyMaterialOp(this.#params.vault, material));
    }
    try {
      await this.#serially(() => this.#commit(kind, { operation: `authority.${kind}.adopt` }, () => [adopted], ops));
    } catch (err) {
      // Another replica changed the authorities first: it may have adopted the same (replica-keys.ts pins
      // the root); else decide again on what it left.
      if (!(isTesseraError(err) && err.code === 'ERR_AUTHORITY_STATE')) throw err;
      await this.refresh();
      return this.#adoptLegacy(kind);
    }
    if (kind !== 'root') await removeKeyFiles(this.#dir, LEGACY_FILE[kind]);
  }

  #hasAny(kind: AuthorityKind): boolean {
    return [...this.#records.values()].some((r) => r.kind === kind);
  }

  #rebuild(): void {
    const records = [...this.#records.values()];
    // A revoked root leaves the bundle, and its key is listed revoked, so an open connection through it closes.
    const keysIn = (state: AuthorityRecord['state']) => records
      .filter((r) => (r.kind === 'x509' || (r.kind === 'root' && state === 'revoked')) && r.state === state)
      .map((r) => this.#publicKeyOf(r));
    const roots = records.filter((r) => r.kind === 'root' && r.state !== 'revoked').sort(byAge).map((r) => this.#roots.get(r.id)!.der);
    // Before the first root is adopted (the first moments of a first start) it is the bundle alone.
    this.#bundle = new X509Bundle(this.trustDomain, roots.length > 0 ? roots : [this.#firstRoot.der], this.#sequence, { revoked: keysIn('revoked'), tainted: keysIn('tainted') });
    const jwt = records.filter((r) => r.kind === 'jwt' && r.state !== 'revoked');
    this.#jwtBundle = new JwtBundle(this.trustDomain, jwt.map((r) => ({ keyId: r.id, publicKey: this.#jwt.get(r.id)!.publicKey })), this.#sequence);
  }
}

function sequenceIn(value: Uint8Array | undefined): number {
  return decodeRecord<{ sequence: number }>(value)?.sequence ?? 0;
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

function readValidity(credential: Pick<CaCredential, 'der' | 'notAfterMs'>): { notBeforeMs: number; notAfterMs: number } {
  return { notBeforeMs: readCertificate(credential.der).notBeforeMs, notAfterMs: credential.notAfterMs };
}
