/**
 * The delegation lineage an agent SVID carries in a non-critical extension
 * (OID LINEAGE_OID): on whose behalf the agent acts,
 * which scopes its task started with, and one signed record per delegation hop.
 * This module reads and writes the DER; verify-lineage.ts checks it.
 *
 *   TesseraLineage ::= SEQUENCE {
 *     version       INTEGER (1),
 *     orchestrator  UTF8String,             -- the orchestrator name
 *     task          UTF8String,             -- the task id
 *     sponsor       UTF8String,             -- the human sponsor's opaque user id
 *     scopes        SEQUENCE OF UTF8String, -- the task's scopes, as the orchestrator spawned the first agent
 *     hops          SEQUENCE OF DelegationHop }  -- empty for an agent its orchestrator spawned
 *   DelegationHop ::= SEQUENCE {
 *     record        DelegationRecord,
 *     signature     OCTET STRING }          -- ECDSA P-256/SHA-256 (DER) by the delegator's SVID key
 *                                           -- over "tessera-delegation-v1" 0x00 || DER(record)
 *   DelegationRecord ::= SEQUENCE {
 *     version       INTEGER (1),
 *     previous      OCTET STRING (32),      -- lineageDigest of the lineage before this hop
 *     delegator     UTF8String,             -- SPIFFE ID of the agent that delegates
 *     delegatorKey  SubjectPublicKeyInfo,   -- the key of the SVID it asked with; the CA's signature
 *                                           -- on the certificate holding this lineage vouches for it
 *     delegate      UTF8String,             -- SPIFFE ID of the sub-agent (chosen by the CA)
 *     scopes        SEQUENCE OF UTF8String, -- what the sub-agent may do
 *     delegatedAt   INTEGER,                -- ms since the Unix epoch
 *     notAfter      INTEGER,                -- ms: the sub-agent lives no longer than this
 *     depth         INTEGER }               -- the sub-agent's depth, 1 for the first hop
 *
 * `previous` chains the hops: a hop cannot be removed, reordered or moved to
 * another lineage without breaking a signature. Strings are printable ASCII;
 * scope lists are canonical sets (sorted, each once), so a lineage has one DER.
 */
import { createHash } from 'node:crypto';
import { type CertificateFields, readCertificate } from './certificate.js';
import {
  DerError, TAG, bytesOf, children, contentOf, decodeSmallInteger, encode, octetString, readOnly, sequence, smallInteger, type Tlv,
} from './der.js';
import { LineageError } from './errors.js';
import { isScope } from './scope.js';

/**
 * The extension's OID: the UUID a31c0398-7bd1-4d4f-9742-523a8cb806f1 under
 * 1.2.840.113556.1.8000.2554, the arc Microsoft set aside for OIDs made from a
 * GUID without registration. A GUID aaaabbbb-cccc-dddd-eeee-ffffffgggggg
 * becomes <arc>.A.B.C.D.E.F.G: aaaa, bbbb, cccc, dddd, eeee, ffffff, gggggg
 * read as hexadecimal, each arc written in decimal, so none is above 2^24:
 *
 *   python3 -c "h='a31c03987bd14d4f9742523a8cb806f1'; print('.'.join(str(int(h[a:b], 16)) for a, b in
 *     [(0,4),(4,8),(8,12),(12,16),(16,20),(20,26),(26,32)]))"
 *
 * (test/unit/lineage-oid.test.ts derives it again.) Go's crypto/x509 and
 * python3-cryptography before 42 read OID arcs into machine integers and
 * refuse a whole certificate whose OID does not fit; this one fits everywhere.
 * A registered private enterprise number can replace the arc later
 * (docs/decisions.md, "The lineage extension's OID").
 */
export const LINEAGE_OID = '1.2.840.113556.1.8000.2554.41756.920.31697.19791.38722.5388940.12060401';
/**
 * The same UUID as one integer under 2.25 (X.667): the OID CAs before 0.2.0
 * wrote. Readers still accept it so that SVIDs issued before a CA upgrade keep
 * working while a fleet upgrades unevenly; CAs write only LINEAGE_OID.
 * Remove it (and its branch in readLineageExtension) in the release after
 * 0.2.0: by then no CA writes it and SVIDs live hours at most.
 */
export const LEGACY_LINEAGE_OID = '2.25.216809620553209462374846218979358803697';
/** The most hops a lineage may have, whatever the policy says. */
export const MAX_LINEAGE_DEPTH = 16;
/** What a delegator's signature covers: this prefix, then the DER record. */
export const DELEGATION_SIGNING_PREFIX = Buffer.from('tessera-delegation-v1\0', 'ascii');

const VERSION = 1;
const DIGEST_BYTES = 32;
const ROOT_DOMAIN = Buffer.from('tessera-lineage-root-v1\0', 'ascii');
const HOP_DOMAIN = Buffer.from('tessera-lineage-hop-v1\0', 'ascii');
const MAX_TEXT = 2048;

/** One delegation: who delegated what to whom, when, and until when. */
export interface DelegationRecord {
  /** lineageDigest of the lineage before this hop (32 bytes). */
  readonly previous: Buffer;
  readonly delegator: string;
  /** DER SubjectPublicKeyInfo of the delegator's SVID key. */
  readonly delegatorKey: Buffer;
  readonly delegate: string;
  readonly scopes: readonly string[];
  readonly delegatedAtMs: number;
  readonly notAfterMs: number;
  readonly depth: number;
}

/** A signed record, with the exact DER the signature covers. */
export interface DelegationHop {
  readonly record: DelegationRecord;
  readonly recordDer: Buffer;
  /** DER ECDSA signature over DELEGATION_SIGNING_PREFIX || recordDer. */
  readonly signature: Buffer;
}

/** A lineage as read from (or written to) the extension. Not verified. */
export interface Lineage {
  readonly orchestrator: string;
  readonly task: string;
  readonly sponsor: string;
  /** The task scopes the first agent was spawned with. */
  readonly scopes: readonly string[];
  readonly hops: readonly DelegationHop[];
}

const text = (s: string) => encode(TAG.UTF8_STRING, Buffer.from(s, 'ascii'));
const textList = (list: readonly string[]) => sequence(...list.map(text));

/**
 * The DER of a delegation record. The caller passes canonical values (the CA
 * checked them); nothing here validates semantics.
 *
 * @example const der = encodeDelegationRecord({ previous, delegator, delegatorKey, delegate, scopes, delegatedAtMs, notAfterMs, depth: 1 });
 */
export function encodeDelegationRecord(r: DelegationRecord): Buffer {
  return sequence(
    smallInteger(VERSION), octetString(r.previous), text(r.delegator), r.delegatorKey, text(r.delegate), textList(r.scopes),
    smallInteger(r.delegatedAtMs), smallInteger(r.notAfterMs), smallInteger(r.depth),
  );
}

/**
 * What a delegator signs for `recordDer`.
 *
 * @example crypto.sign('sha256', delegationSigningBytes(recordDer), { key, dsaEncoding: 'der' })
 */
export function delegationSigningBytes(recordDer: Uint8Array): Buffer {
  return Buffer.concat([DELEGATION_SIGNING_PREFIX, recordDer]);
}

/**
 * The DER of a lineage: the value of the certificate extension.
 *
 * @example const extensionValue = encodeLineage({ orchestrator, task, sponsor, scopes, hops: [] });
 */
export function encodeLineage(lineage: Lineage): Buffer {
  return sequence(rootDer(lineage), sequence(...lineage.hops.map(hopDer)));
}

function rootDer(l: Pick<Lineage, 'orchestrator' | 'task' | 'sponsor' | 'scopes'>): Buffer {
  return Buffer.concat([smallInteger(VERSION), text(l.orchestrator), text(l.task), text(l.sponsor), textList(l.scopes)]);
}

function hopDer(hop: DelegationHop): Buffer {
  return sequence(hop.recordDer, octetString(hop.signature));
}

/**
 * The hash that commits to a whole lineage: of its last hop (signature
 * included), or of its root when it has none. The next hop's `previous`, and
 * the `chainHash` of audit records.
 *
 * @example lineageDigest(lineage).toString('hex')
 */
export function lineageDigest(lineage: Lineage): Buffer {
  const last = lineage.hops.at(-1);
  const hash = createHash('sha256');
  if (last) hash.update(HOP_DOMAIN).update(hopDer(last));
  else hash.update(ROOT_DOMAIN).update(sequence(rootDer(lineage)));
  return hash.digest();
}

/**
 * Reads a lineage from the extension's DER, strictly: exact structure, version
 * 1, printable ASCII, canonical scope sets, at most MAX_LINEAGE_DEPTH hops.
 * Verifies nothing (see verifyLineage).
 *
 * @throws {LineageError} `ERR_LINEAGE_INVALID`.
 * @example const lineage = decodeLineage(extensionValue);
 */
export function decodeLineage(der: Uint8Array): Lineage {
  return strictly(() => {
    const [version, orchestrator, task, sponsor, scopes, hops, ...rest] = children(der, readOnly(der, TAG.SEQUENCE));
    if (rest.length > 0 || !hops) throw new DerError('lineage has the wrong number of fields');
    checkVersion(der, version!);
    const hopList = children(der, expected(hops, TAG.SEQUENCE));
    if (hopList.length > MAX_LINEAGE_DEPTH) throw new LineageError(`a lineage has at most ${MAX_LINEAGE_DEPTH} hops`);
    return {
      orchestrator: readText(der, orchestrator!),
      task: readText(der, task!),
      sponsor: readText(der, sponsor!),
      scopes: readScopes(der, scopes!),
      hops: hopList.map((hop) => readHop(der, hop)),
    };
  });
}

/**
 * Reads a delegation record from its DER, strictly (as decodeLineage).
 *
 * @throws {LineageError} `ERR_LINEAGE_INVALID`.
 * @example const { delegate, scopes } = decodeDelegationRecord(response.record);
 */
export function decodeDelegationRecord(der: Uint8Array): DelegationRecord {
  return strictly(() => readRecord(der, readOnly(der, TAG.SEQUENCE)));
}

/**
 * The lineage in a certificate's extension, or undefined when it has none
 * (orchestrators, services). Reads only; the certificate's chain must be
 * verified before the lineage means anything.
 *
 * Reads LINEAGE_OID and, during the transition, LEGACY_LINEAGE_OID.
 *
 * @throws {LineageError} `ERR_LINEAGE_INVALID` for a malformed or critical extension or certificate, or both OIDs at once.
 * @example const lineage = readLineageExtension(svid.certificates[0]!);
 */
export function readLineageExtension(certificateDer: Uint8Array): Lineage | undefined {
  return lineageOfCertificate(strictly(() => readCertificate(certificateDer)));
}

/**
 * readLineageExtension for a certificate already read (readCertificate).
 *
 * @throws {LineageError} `ERR_LINEAGE_INVALID` as readLineageExtension.
 * @example const lineage = lineageOfCertificate(fields);
 */
export function lineageOfCertificate({ extensions }: CertificateFields): Lineage | undefined {
  const [current, legacy] = [extensions.get(LINEAGE_OID), extensions.get(LEGACY_LINEAGE_OID)];
  // Transition (LEGACY_LINEAGE_OID): either OID, never both, so one certificate cannot say two things.
  if (current && legacy) throw new LineageError('the certificate carries the lineage extension twice');
  const ext = current ?? legacy;
  if (!ext) return undefined;
  if (ext.critical) throw new LineageError('the lineage extension must not be critical');
  return decodeLineage(ext.value);
}

function readHop(der: Uint8Array, hop: Tlv): DelegationHop {
  const [record, signature, ...rest] = children(der, expected(hop, TAG.SEQUENCE));
  if (rest.length > 0 || !record || !signature) throw new DerError('hop has the wrong number of fields');
  return {
    record: readRecord(der, expected(record, TAG.SEQUENCE)),
    recordDer: Buffer.from(bytesOf(der, record)),
    signature: Buffer.from(contentOf(der, expected(signature, TAG.OCTET_STRING))),
  };
}

function readRecord(der: Uint8Array, record: Tlv): DelegationRecord {
  const fields = children(der, record);
  if (fields.length !== 9) throw new DerError('delegation record has the wrong number of fields');
  const [version, previous, delegator, key, delegate, scopes, delegatedAt, notAfter, depth] = fields as [Tlv, Tlv, Tlv, Tlv, Tlv, Tlv, Tlv, Tlv, Tlv];
  checkVersion(der, version);
  const digest = contentOf(der, expected(previous, TAG.OCTET_STRING));
  if (digest.length !== DIGEST_BYTES) throw new DerError('previous is not a SHA-256 digest');
  return {
    previous: Buffer.from(digest),
    delegator: readText(der, delegator),
    delegatorKey: Buffer.from(bytesOf(der, expected(key, TAG.SEQUENCE))),
    delegate: readText(der, delegate),
    scopes: readScopes(der, scopes),
    delegatedAtMs: readInteger(der, delegatedAt),
    notAfterMs: readInteger(der, notAfter),
    depth: readInteger(der, depth),
  };
}

function expected(tlv: Tlv, tag: number): Tlv {
  if (tlv.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}`);
  return tlv;
}

function checkVersion(der: Uint8Array, tlv: Tlv): void {
  if (readInteger(der, tlv) !== VERSION) throw new LineageError('unsupported lineage version');
}

function readInteger(der: Uint8Array, tlv: Tlv): number {
  return decodeSmallInteger(contentOf(der, expected(tlv, TAG.INTEGER)));
}

function readText(der: Uint8Array, tlv: Tlv): string {
  const bytes = contentOf(der, expected(tlv, TAG.UTF8_STRING));
  if (bytes.length === 0 || bytes.length > MAX_TEXT) throw new DerError('text is empty or too long');
  for (const b of bytes) if (b < 0x21 || b > 0x7e) throw new DerError('text is not printable ASCII');
  return bytes.toString('ascii');
}

function readScopes(der: Uint8Array, tlv: Tlv): string[] {
  const scopes = children(der, expected(tlv, TAG.SEQUENCE)).map((s) => readText(der, s));
  // One spelling per lineage: canonical scopes, sorted, each once.
  for (let i = 0; i < scopes.length; i++) {
    if (!isScope(scopes[i])) throw new LineageError('the lineage holds a scope that is not canonical');
    if (i > 0 && scopes[i - 1]! >= scopes[i]!) throw new LineageError('the lineage scopes are not a sorted set');
  }
  return scopes;
}

/** Runs a reader, turning malformed DER into ERR_LINEAGE_INVALID (with no input echoed). */
function strictly<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof LineageError) throw err;
    throw new LineageError('the lineage is not well-formed DER');
  }
}
