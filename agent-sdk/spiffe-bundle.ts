/**
 * The SPIFFE bundle format (SPIFFE Trust Domain and Bundle, section 4): a JWK
 * Set whose keys carry `use` "x509-svid" (the authority's certificate in `x5c`)
 * or "jwt-svid" (with `kid`), plus `spiffe_sequence` and `spiffe_refresh_hint`.
 * What other SPIFFE implementations publish on a bundle endpoint and read from one.
 */
import { type JsonWebKey, X509Certificate, createPublicKey } from 'node:crypto';
import { X509Bundle } from './bundle.js';
import { TesseraError } from './errors.js';
import { JwtBundle } from './jwt-bundle.js';

/** A SPIFFE bundle document, as JSON. */
export interface SpiffeBundleDocument {
  readonly keys: JsonWebKey[];
  readonly spiffe_sequence?: number;
  readonly spiffe_refresh_hint?: number;
}

const X509_SVID = 'x509-svid';
const JWT_SVID = 'jwt-svid';
/** A bundle document larger than this is refused before parsing (a trust domain has a handful of keys). */
export const MAX_SPIFFE_BUNDLE_BYTES = 1024 * 1024;

/**
 * The bundle as a SPIFFE bundle document. Never throws for a valid bundle.
 *
 * @example JSON.stringify(toSpiffeBundle(source.bundle, source.getJwtBundleForTrustDomain(td), 300))
 */
export function toSpiffeBundle(x509: X509Bundle, jwt: JwtBundle | undefined, refreshHintSeconds?: number): SpiffeBundleDocument {
  const keys: JsonWebKey[] = [
    ...x509.certificates.map((cert) => ({ ...cert.publicKey.export({ format: 'jwk' }), use: X509_SVID, x5c: [cert.raw.toString('base64')] })),
    ...[...(jwt?.authorities ?? [])].map(([kid, key]) => ({ ...key.export({ format: 'jwk' }), use: JWT_SVID, kid })),
  ];
  return {
    keys,
    ...(x509.sequenceNumber > 0 && { spiffe_sequence: x509.sequenceNumber }),
    ...(refreshHintSeconds !== undefined && { spiffe_refresh_hint: refreshHintSeconds }),
  };
}

/**
 * Reads a SPIFFE bundle document of `trustDomain` (JSON text or the parsed
 * object). Keys of another `use` are ignored, as the format asks.
 *
 * @throws {TesseraError} ERR_BUNDLE_INVALID for malformed JSON, an x509-svid key
 *   without exactly one certificate in `x5c` or whose key parameters are not the
 *   certificate's key, a jwt-svid key without `kid` or not ECDSA P-256, a bad
 *   sequence or refresh hint, or no key at all; {SpiffeIdError} for a bad trust domain.
 * @example const { x509, jwt, refreshHintSeconds } = parseSpiffeBundle('other.example', await res.text());
 */
export function parseSpiffeBundle(trustDomain: string, document: string | unknown): { x509: X509Bundle; jwt: JwtBundle; refreshHintSeconds?: number } {
  const invalid = (why: string): never => {
    throw new TesseraError('ERR_BUNDLE_INVALID', `SPIFFE bundle of ${trustDomain}: ${why}`);
  };
  let doc: unknown = document;
  if (typeof document === 'string') {
    if (document.length > MAX_SPIFFE_BUNDLE_BYTES) invalid('larger than 1 MiB');
    try {
      doc = JSON.parse(document);
    } catch {
      invalid('not JSON');
    }
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { keys?: unknown }).keys)) invalid('no "keys" array');
  const { keys, spiffe_sequence: sequence, spiffe_refresh_hint: refreshHint } = doc as { keys: unknown[]; spiffe_sequence?: unknown; spiffe_refresh_hint?: unknown };
  if (sequence !== undefined && !(Number.isSafeInteger(sequence) && (sequence as number) >= 0)) invalid('spiffe_sequence is not a non-negative integer');
  if (refreshHint !== undefined && !(Number.isSafeInteger(refreshHint) && (refreshHint as number) > 0)) invalid('spiffe_refresh_hint is not a positive integer');
  const roots: Buffer[] = [];
  const jwtKeys: { keyId: string; publicKey: Buffer }[] = [];
  for (const key of keys) {
    if (typeof key !== 'object' || key === null) invalid('a key is not an object');
    const jwk = key as JsonWebKey & { use?: unknown; x5c?: unknown; kid?: unknown };
    if (jwk.use === X509_SVID) {
      const x5c: unknown = jwk.x5c;
      if (!Array.isArray(x5c) || x5c.length !== 1 || typeof x5c[0] !== 'string') return invalid('an x509-svid key needs exactly one certificate in x5c');
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(Buffer.from(x5c[0] as string, 'base64'));
      } catch {
        return invalid('an x509-svid certificate does not parse');
      }
      if (!sameKey(cert.publicKey.export({ format: 'jwk' }), jwk)) invalid('an x509-svid key does not match its certificate');
      roots.push(cert.raw);
    } else if (jwk.use === JWT_SVID) {
      if (typeof jwk.kid !== 'string') invalid('a jwt-svid key has no kid');
      if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') invalid('a jwt-svid key is not ECDSA P-256');
      let spki: Buffer;
      try {
        spki = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } as JsonWebKey, format: 'jwk' }).export({ format: 'der', type: 'spki' });
      } catch {
        return invalid('a jwt-svid key does not parse');
      }
      jwtKeys.push({ keyId: jwk.kid as string, publicKey: spki });
    }
  }
  if (roots.length === 0 && jwtKeys.length === 0) invalid('no x509-svid or jwt-svid key');
  const seq = (sequence as number | undefined) ?? 0;
  return {
    x509: new X509Bundle(trustDomain, roots, seq),
    jwt: new JwtBundle(trustDomain, jwtKeys, seq),
    ...(refreshHint !== undefined && { refreshHintSeconds: refreshHint as number }),
  };
}

function sameKey(certified: JsonWebKey, given: JsonWebKey): boolean {
  const fields = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;
  return fields.every((f) => certified[f] === given[f]);
}
