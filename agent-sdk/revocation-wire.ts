/**
 * Revocation entries between their wire form (tessera.v1.RevocationEntry) and
 * the RevocationEntry validators hold. Shared by the follower and the CA.
 */
import { createHash } from 'node:crypto';
import { TesseraError } from './errors.js';
import type { RevocationEntry as WireEntry, RevocationEntry__Output as WireEntryOutput } from './gen/tessera/v1/RevocationEntry.js';
import type { RevocationCause, RevocationEntry, RevocationKind } from './revocation-list.js';

const KINDS = {
  serial: 'REVOCATION_KIND_SERIAL', jti: 'REVOCATION_KIND_JTI', agent: 'REVOCATION_KIND_AGENT', task: 'REVOCATION_KIND_TASK', chain: 'REVOCATION_KIND_CHAIN',
  x509_authority: 'REVOCATION_KIND_X509_AUTHORITY', jwt_authority: 'REVOCATION_KIND_JWT_AUTHORITY',
} as const satisfies Record<RevocationKind, string>;
const CAUSES = {
  operator: 'REVOCATION_CAUSE_OPERATOR', released: 'REVOCATION_CAUSE_RELEASED', task_completed: 'REVOCATION_CAUSE_TASK_COMPLETED',
} as const satisfies Record<RevocationCause, string>;
const KIND_OF = new Map<string, RevocationKind>(Object.entries(KINDS).map(([k, v]) => [v, k as RevocationKind]));
const CAUSE_OF = new Map<string, RevocationCause>(Object.entries(CAUSES).map(([k, v]) => [v, k as RevocationCause]));

/**
 * The wire form of an entry; only the fields validators get (no reason text). Never throws.
 *
 * @example call.write({ entries: entries.map(revocationEntryToWire) })
 */
export function revocationEntryToWire(entry: RevocationEntry): WireEntry {
  const { sequence, kind, target, coveredIds, revokedAtMs, expiresAtMs, cause, publicKey } = entry;
  return {
    sequence, kind: KINDS[kind], target, coveredIds: [...coveredIds], revokedAtMs, expiresAtMs, cause: CAUSES[cause],
    ...(publicKey !== undefined && { publicKey: Buffer.from(publicKey, 'base64') }),
  };
}

/**
 * An entry as received.
 *
 * @throws {TesseraError} ERR_INTERNAL for an unknown kind or cause, a bad sequence number,
 *   or an X.509 authority entry whose key does not hash to its target.
 * @example list.apply(message.entries.map(revocationEntryFromWire))
 */
export function revocationEntryFromWire(wire: WireEntryOutput): RevocationEntry {
  const kind = KIND_OF.get(wire.kind);
  const cause = CAUSE_OF.get(wire.cause);
  if (!kind || !cause || !Number.isSafeInteger(wire.sequence) || wire.sequence < 1) {
    throw new TesseraError('ERR_INTERNAL', 'the CA sent a revocation entry this SDK does not understand');
  }
  if (kind === 'x509_authority' && createHash('sha256').update(wire.publicKey).digest('hex') !== wire.target) {
    throw new TesseraError('ERR_INTERNAL', 'the CA sent an X.509 authority revocation whose key does not match its target');
  }
  return {
    sequence: wire.sequence, kind, target: wire.target, coveredIds: [...wire.coveredIds],
    revokedAtMs: wire.revokedAtMs, expiresAtMs: wire.expiresAtMs, cause,
    ...(kind === 'x509_authority' && { publicKey: wire.publicKey.toString('base64') }),
  };
}
