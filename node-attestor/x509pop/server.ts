import { X509Certificate, randomBytes, verify, type KeyObject } from 'node:crypto';
import { KEY_USAGE, readCertificate, readKeyUsage, type CertificateFields } from '../../agent-sdk/certificate.js';
import { verifyCertificateChain } from '../../agent-sdk/chain.js';
import type { Clock } from '../../agent-sdk/clock.js';
import { TAG, children, contentOf, decodeOid, expectTlv, readOnly } from '../../agent-sdk/der.js';
import { TesseraError, isTesseraError } from '../../agent-sdk/errors.js';
import { parsePathSegment } from '../../agent-sdk/spiffe-id.js';
import type { AttestationResult, Challenge, ServerAttestor } from '../types.js';
import { NONCE_BYTES, X509POP_ATTESTOR, decodePayload, decodeResponse, encodeChallenge, signedBytes } from './wire.js';

/** How long the orchestrator has to answer the challenge, by default. */
export const DEFAULT_CHALLENGE_TIMEOUT_MS = 30_000;

const OID_COMMON_NAME = '2.5.4.3';

export interface X509PopAttestorParams {
  /** The CA certificates orchestrator certificates must chain to (not the SVID roots, as a rule). */
  roots: X509Certificate[];
  clock: Clock;
  /** How long to wait for the answer to the challenge; default 30 s. */
  challengeTimeoutMs?: number;
}

/**
 * The CA's half of the x509pop plugin: proof of possession of a key whose
 * certificate chains to a configured CA. It verifies the presented chain, sends a
 * fresh 32-byte nonce, and checks the answer is the leaf key's signature over
 * `signedBytes(nonce, leaf)`. The orchestrator name is the verified leaf's subject
 * common name, which must be one SPIFFE path segment; nothing unsigned counts.
 *
 * The leaf must assert the digitalSignature key usage and hold an ECDSA P-256 or
 * Ed25519 key. Each `attest` call makes its own nonce, so an answer made for
 * another call (or an earlier one) does not verify.
 *
 * @throws {TesseraError} `ERR_CONFIG_INVALID` for no roots or a bad timeout. From
 *   `attest`: `ERR_ATTESTATION_FAILED` for a bad payload, chain, certificate or
 *   signature; `ERR_TIMEOUT` when the answer does not come in time.
 * @example
 * const attestor = x509popAttestor({ roots: [orchestratorCa], clock: systemClock });
 * const { orchestrator } = await attestor.attest(payload, challenge);
 */
export function x509popAttestor(params: X509PopAttestorParams): ServerAttestor {
  const { clock } = params;
  const timeoutMs = params.challengeTimeoutMs ?? DEFAULT_CHALLENGE_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) throw new TesseraError('ERR_CONFIG_INVALID', 'x509pop challengeTimeoutMs must be a positive integer');
  const roots = [...params.roots];
  if (roots.length === 0) throw new TesseraError('ERR_CONFIG_INVALID', 'x509pop needs at least one root');
  // Read each root once now, so a broken bundle fails at start-up, not at the first attestation.
  for (const [i, root] of roots.entries()) {
    try {
      readCertificate(root.raw);
    } catch {
      throw new TesseraError('ERR_CONFIG_INVALID', `x509pop root ${i} is not a well-formed certificate`);
    }
  }

  return {
    name: X509POP_ATTESTOR,
    async attest(payload: Uint8Array, challenge: Challenge): Promise<AttestationResult> {
      const { certChain } = decodePayload(payload);
      const leafDer = certChain[0]!;
      const path = verifyChain(certChain, roots, clock.now());
      const leaf = path[0]!;
      const fields = readCertificate(leafDer); // well-formed: the chain verified
      checkLeafKeyUsage(fields);
      const keyType = signatureKeyType(leaf.publicKey);
      const orchestrator = orchestratorName(fields);

      const nonce = randomBytes(NONCE_BYTES);
      const startedMs = clock.now();
      const answer = await withTimeout(challenge(encodeChallenge(nonce)), timeoutMs);
      const nowMs = clock.now();
      // The timer bounds the wait; the clock bounds it too, so a slow event loop or a
      // clock the caller controls cannot stretch the window.
      if (nowMs - startedMs > timeoutMs) throw new TesseraError('ERR_TIMEOUT', 'x509pop challenge was not answered in time');
      // The chain was valid when the challenge went out; it must still be when the answer comes.
      if (path.some((cert) => nowMs > readCertificate(cert.raw).notAfterMs)) {
        throw new TesseraError('ERR_ATTESTATION_FAILED', 'x509pop certificate chain expired during the challenge');
      }

      const { signature } = decodeResponse(answer);
      const data = signedBytes(nonce, leafDer);
      if (!verifySignature(keyType, leaf.publicKey, data, signature)) {
        throw new TesseraError('ERR_ATTESTATION_FAILED', 'x509pop proof of possession does not verify with the leaf certificate key');
      }
      return { orchestrator };
    },
  };
}

function verifyChain(certChain: Buffer[], roots: X509Certificate[], nowMs: number): X509Certificate[] {
  try {
    return verifyCertificateChain(certChain, roots, nowMs);
  } catch (err) {
    if (isTesseraError(err)) throw new TesseraError('ERR_ATTESTATION_FAILED', `x509pop certificate chain rejected: ${err.message}`);
    throw err;
  }
}

/** RFC 5280 4.2.1.3: the key signs the proof, so the certificate must allow signing. */
function checkLeafKeyUsage(fields: CertificateFields): void {
  let usage: Set<number> | undefined;
  try {
    usage = readKeyUsage(fields);
  } catch {
    throw new TesseraError('ERR_ATTESTATION_FAILED', 'x509pop leaf certificate has a malformed key usage');
  }
  if (!usage?.has(KEY_USAGE.digitalSignature)) {
    throw new TesseraError('ERR_ATTESTATION_FAILED', 'x509pop leaf certificate must assert the digitalSignature key usage');
  }
}

type SignatureKeyType = 'p256' | 'ed25519';

function signatureKeyType(key: KeyObject): SignatureKeyType {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'p256';
  throw new TesseraError('ERR_ATTESTATION_FAILED', 'x509pop leaf certificate key must be ECDSA P-256 or Ed25519');
}

function verifySignature(keyType: SignatureKeyType, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return keyType === 'ed25519'
      ? verify(null, data, key, signature)
      : verify('sha256', data, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false; // a malformed signature is a failed proof, not an internal error
  }
}

/**
 * The orchestrator name: the one common name in the leaf's subject, read from the
 * DER (RFC 5280 4.1.2.6; Name is a SEQUENCE of SETs of type-and-value pairs). A
 * subject with several common names is refused rather than guessed at.
 */
function orchestratorName(fields: CertificateFields): string {
  const names: string[] = [];
  try {
    const subject = fields.subject;
    for (const rdn of children(subject, readOnly(subject, TAG.SEQUENCE))) {
      if (rdn.tag !== TAG.SET) throw new TesseraError('ERR_ATTESTATION_FAILED', 'x509pop leaf certificate subject is malformed');
      for (const atv of children(subject, rdn)) {
        const [type, value] = children(subject, expectTlv(subject, atv.start, TAG.SEQUENCE, atv.end));
        if (!type || !value || type.tag !== TAG.OID) throw new TesseraError('ERR_ATTESTATION_FAILED', 'x509pop leaf certificate subject is malformed');
        if (decodeOid(contentOf(subject, type)) !== OID_COMMON_NAME) continue;
        // PrintableString and UTF8String are what CAs write (RFC 5280 4.1.2.4); the
        // path segment alphabet is ASCII, so other string types are refused.
        if (value.tag !== TAG.UTF8_STRING && value.tag !== TAG.PRINTABLE_STRING) {
          throw new TesseraError('ERR_ATTESTATION_FAILED', 'x509pop leaf certificate common name is not a UTF8String or PrintableString');
        }
        names.push(contentOf(subject, value).toString('utf8'));
      }
    }
  } catch (err) {
    if (isTesseraError(err)) throw err;
    throw new TesseraError('ERR_ATTESTATION_FAILED', 'x509pop leaf certificate subject is malformed');
  }
  if (names.length !== 1) throw new TesseraError('ERR_ATTESTATION_FAILED', 'x509pop leaf certificate subject must hold exactly one common name');
  try {
    return parsePathSegment(names[0]!);
  } catch (err) {
    const reason = isTesseraError(err) ? `: ${err.message}` : '';
    throw new TesseraError('ERR_ATTESTATION_FAILED', `x509pop leaf certificate common name is not a valid orchestrator name${reason}`);
  }
}

/** Resolves or rejects with `promise`, or rejects with ERR_TIMEOUT after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TesseraError('ERR_TIMEOUT', 'x509pop challenge was not answered in time')), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
