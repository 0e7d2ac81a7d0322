import { createPublicKey } from 'node:crypto';
import { TesseraError } from '../../agent-sdk/errors.js';
import { isSpiffeId } from '../../agent-sdk/spiffe-id.js';
import type { IssuedX509Svid } from '../authority/authority.js';
import { type IssuanceContext, checkAudited } from './context.js';
import { type SerialRecord, encodeRecord, serialKey } from './records.js';
import { MINT_X509_TTL } from './mint-ttl.js';
import { serviceIdOf } from './service-id.js';

/**
 * `tessera x509 mint`: signs an X509-SVID for a registered service
 * (`spiffe://<td>/service/<name>`, DESIGN.md Identities) and a P-256 public key
 * the operator holds the private half of, with the same template and profile
 * check as every SVID. Agent and orchestrator identities come only from
 * attestation, so their shapes are refused. The serial's owner is written in
 * the same transaction as the audit record (subject, serial), so the
 * certificate leaves only once both are durable and `revoke --serial` finds it.
 *
 * @throws {TesseraError} ERR_SPIFFE_ID_INVALID (not a SPIFFE ID), ERR_PERMISSION_DENIED
 *   (not a service ID of this trust domain), ERR_INVALID_ARGUMENT (TTL out of range,
 *   or not a P-256 public key). Each is audited.
 */
export async function mintX509Svid(
  ctx: IssuanceContext, params: { spiffeId: string; publicKey: Uint8Array; ttlMs: number },
): Promise<IssuedX509Svid> {
  // A denial names the ID asked for only when it is one: the audit log holds identifiers, not arbitrary input.
  const event = { operation: 'x509.mint', ...(isSpiffeId(params.spiffeId) && { subject: params.spiffeId }) };
  const checked = await checkAudited(ctx.journal, event, () => {
    const id = serviceIdOf(ctx.authority.trustDomain, params.spiffeId);
    const ttlMs = params.ttlMs || MINT_X509_TTL.defaultMs;
    if (!Number.isSafeInteger(ttlMs) || ttlMs < MINT_X509_TTL.minMs || ttlMs > MINT_X509_TTL.maxMs) {
      throw new TesseraError('ERR_INVALID_ARGUMENT', `TTL must be from ${MINT_X509_TTL.minMs / 1000} to ${MINT_X509_TTL.maxMs / 1000} seconds`);
    }
    return { id, ttlMs, subjectPublicKeyInfo: p256PublicKey(params.publicKey) };
  });
  const spiffeId = checked.id.toString();
  return ctx.journal.commit({
    read: [],
    audit: { ...event, subject: spiffeId },
    decide: () => {
      const svid = ctx.authority.signX509Svid({ spiffeId: checked.id, subjectPublicKeyInfo: checked.subjectPublicKeyInfo, notAfterMs: ctx.clock.now() + checked.ttlMs });
      const owner: SerialRecord = { spiffeId, notAfterMs: svid.notAfterMs };
      return {
        ops: [{ type: 'put', key: serialKey(svid.serialHex), value: encodeRecord(owner) }],
        result: svid,
        audit: { serial: svid.serialHex },
      };
    },
  });
}

/** A P-256 SubjectPublicKeyInfo, re-encoded as Node writes it (what the certificate will carry). */
function p256PublicKey(der: Uint8Array): Buffer {
  let key;
  try {
    key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch {
    throw new TesseraError('ERR_INVALID_ARGUMENT', 'public key is not a DER SubjectPublicKeyInfo');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TesseraError('ERR_INVALID_ARGUMENT', 'public key must be an EC P-256 key');
  }
  return key.export({ format: 'der', type: 'spki' });
}
