import { KeyObject, X509Certificate, createPublicKey, sign } from 'node:crypto';
import type { OrchestratorAttestor } from '../../agent-sdk/attestor.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { X509POP_ATTESTOR, decodeChallenge, encodePayload, encodeResponse, signedBytes } from './wire.js';

export interface X509PopClientParams {
  /** DER certificates, the leaf first, then the intermediates the CA may not have. */
  certChain: Uint8Array[];
  /** The leaf's private key: ECDSA P-256 or Ed25519. */
  privateKey: KeyObject;
}

/**
 * The orchestrator's half of the x509pop plugin: sends the certificate chain, then
 * signs each nonce the CA sends with the leaf's key, bound to the leaf (see
 * `signedBytes`). Because of the domain prefix and the binding, what it signs can
 * serve as nothing but an x509pop proof for this certificate.
 *
 * @throws {TesseraError} `ERR_INVALID_ARGUMENT` when the chain is empty, too long,
 *   not DER, or its leaf does not match `privateKey`, or the key is not ECDSA P-256
 *   or Ed25519. From `answer`: `ERR_ATTESTATION_FAILED` for a malformed challenge.
 * @example
 * const attestor = x509popClient({ certChain: [leafDer, caDer], privateKey: createPrivateKey(pem) });
 */
export function x509popClient(params: X509PopClientParams): OrchestratorAttestor {
  const { privateKey } = params;
  const payload = encodePayload(params.certChain);
  const leafDer = Buffer.from(params.certChain[0]!);
  if (!(privateKey instanceof KeyObject) || privateKey.type !== 'private') {
    throw new TesseraError('ERR_INVALID_ARGUMENT', 'x509pop privateKey must be a private KeyObject');
  }
  const ed25519 = privateKey.asymmetricKeyType === 'ed25519';
  const p256 = privateKey.asymmetricKeyType === 'ec' && privateKey.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (!ed25519 && !p256) throw new TesseraError('ERR_INVALID_ARGUMENT', 'x509pop privateKey must be ECDSA P-256 or Ed25519');
  // A mismatch would only fail at the CA, after a round trip, with a vaguer message.
  let leafKey: Buffer;
  try {
    leafKey = new X509Certificate(leafDer).publicKey.export({ type: 'spki', format: 'der' });
  } catch {
    throw new TesseraError('ERR_INVALID_ARGUMENT', 'x509pop leaf certificate is not a DER certificate');
  }
  if (!leafKey.equals(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }))) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', 'x509pop privateKey does not match the leaf certificate');
  }

  return {
    name: X509POP_ATTESTOR,
    challenges: 1,
    async payload(): Promise<Uint8Array> {
      return Uint8Array.from(payload);
    },
    async answer(challenge: Uint8Array): Promise<Uint8Array> {
      const { nonce } = decodeChallenge(challenge);
      const data = signedBytes(nonce, leafDer);
      const signature = ed25519 ? sign(null, data, privateKey) : sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
      return encodeResponse(signature);
    },
  };
}

