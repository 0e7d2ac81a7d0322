import { createHash } from 'node:crypto';
import { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import type { StoreOp } from '../store/store.js';
import type { IssuedX509Svid } from '../authority/authority.js';
import type { IssuanceContext } from './context.js';
import { type IdentityRecord, type SerialRecord, encodeRecord, identityKey, serialKey } from './records.js';

/**
 * Signs an SVID for an identity inside a transaction's `decide` and returns the
 * writes that record it: the identity's state (newest serial, expiry) and the
 * serial's owner. notAfter is the smallest of the identity's TTL from now, its
 * total-lifetime cap, a delegated agent's lifetime end, and the signer's expiry
 * (Authority applies the last). An agent's lineage goes into the certificate.
 */
export function issueSvid(
  ctx: IssuanceContext,
  identity: Omit<IdentityRecord, 'serial' | 'certificateSha256' | 'expiresAtMs'>,
  subjectPublicKeyInfo: Buffer,
  lifetimeCapMs: number,
): { svid: IssuedX509Svid; ops: StoreOp[] } {
  const notAfterMs = Math.min(ctx.clock.now() + identity.ttlMs, identity.firstIssuedAtMs + lifetimeCapMs, identity.lifetimeEndsAtMs ?? Infinity);
  const lineage = identity.lineage === undefined ? undefined : Buffer.from(identity.lineage, 'base64');
  const svid = ctx.authority.signX509Svid({ spiffeId: SpiffeId.parse(identity.spiffeId), subjectPublicKeyInfo, notAfterMs, lineage });
  const record: IdentityRecord = { ...identity, serial: svid.serialHex, certificateSha256: certificateDigest(svid.certificates[0]!), expiresAtMs: svid.notAfterMs };
  const owner: SerialRecord = { spiffeId: identity.spiffeId, notAfterMs: svid.notAfterMs };
  return {
    svid,
    ops: [
      { type: 'put', key: identityKey(identity.spiffeId), value: encodeRecord(record) },
      { type: 'put', key: serialKey(svid.serialHex), value: encodeRecord(owner) },
    ],
  };
}

/** How an identity record names its newest certificate (IdentityRecord.certificateSha256). */
export function certificateDigest(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url');
}
