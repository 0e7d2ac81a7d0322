/**
 * The x509pop messages and the bytes a proof signs. Three JSON messages, each an
 * object with exactly the fields below, binary values in canonical standard base64:
 *
 *   payload   (orchestrator -> CA)  { "certChain": [DER, ...] }   leaf first
 *   challenge (CA -> orchestrator)  { "nonce": 32 random bytes }
 *   response  (orchestrator -> CA)  { "signature": DER ECDSA or raw Ed25519 }
 *
 * Decoders are strict because their input comes from the other side: unknown or
 * missing fields, wrong types, non-canonical base64 and oversize input are refused
 * with ERR_ATTESTATION_FAILED, before anything is parsed further. Encoders refuse
 * bad local input with ERR_INVALID_ARGUMENT.
 */
import { createHash } from 'node:crypto';
import { TesseraError } from '../../agent-sdk/errors.js';

/** The plugin name both halves use. */
export const X509POP_ATTESTOR = 'x509pop';
/** The largest payload accepted, in bytes. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/** The most certificates a payload's chain may hold. */
export const MAX_CHAIN_CERTS = 8;
/** The nonce length, in bytes. */
export const NONCE_BYTES = 32;
/**
 * The prefix of the signed bytes. It keeps a proof from meaning anything in any
 * other protocol that uses the same key, and names the version of this one.
 */
export const SIGNATURE_DOMAIN = 'tessera-x509pop-v1\n';

// A challenge or response is a few dozen bytes; anything much larger is not one.
const MAX_MESSAGE_BYTES = 1024;
// DER ECDSA P-256 is at most 72 bytes, Ed25519 exactly 64.
const MAX_SIGNATURE_BYTES = 256;

export interface X509PopPayload {
  /** DER certificates, the leaf first. */
  readonly certChain: Buffer[];
}

/**
 * Encodes the opening payload.
 *
 * @throws {TesseraError} `ERR_INVALID_ARGUMENT` for an empty chain, more than 8
 *   certificates, or a payload over 64 KiB.
 * @example const payload = encodePayload([leafDer, intermediateDer]);
 */
export function encodePayload(certChain: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(certChain) || certChain.length === 0 || certChain.length > MAX_CHAIN_CERTS) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', `x509pop certChain must hold 1 to ${MAX_CHAIN_CERTS} certificates`);
  }
  if (!certChain.every((c) => c instanceof Uint8Array && c.length > 0)) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', 'x509pop certChain must hold DER bytes');
  }
  const bytes = encodeJson({ certChain: certChain.map((c) => Buffer.from(c).toString('base64')) });
  if (bytes.length > MAX_PAYLOAD_BYTES) throw new TesseraError('ERR_INVALID_ARGUMENT', `x509pop payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  return bytes;
}

/**
 * Decodes and checks the opening payload. It does not verify the certificates.
 *
 * @throws {TesseraError} `ERR_ATTESTATION_FAILED` for anything but the exact format.
 * @example const { certChain } = decodePayload(payload);
 */
export function decodePayload(bytes: Uint8Array): X509PopPayload {
  const message = decodeJson(bytes, MAX_PAYLOAD_BYTES, 'payload', ['certChain']);
  const list = message['certChain'];
  if (!Array.isArray(list)) fail('payload certChain is not an array');
  if (list.length === 0) fail('payload certChain is empty');
  if (list.length > MAX_CHAIN_CERTS) fail(`payload certChain has more than ${MAX_CHAIN_CERTS} certificates`);
  return { certChain: list.map((entry: unknown, i) => decodeBase64(entry, `payload certChain[${i}]`, MAX_PAYLOAD_BYTES)) };
}

/**
 * Encodes a challenge.
 *
 * @throws {TesseraError} `ERR_INVALID_ARGUMENT` unless `nonce` is 32 bytes.
 * @example await challenge(encodeChallenge(randomBytes(NONCE_BYTES)));
 */
export function encodeChallenge(nonce: Uint8Array): Uint8Array {
  checkNonce(nonce);
  return encodeJson({ nonce: Buffer.from(nonce).toString('base64') });
}

/**
 * Decodes and checks a challenge.
 *
 * @throws {TesseraError} `ERR_ATTESTATION_FAILED` for anything but the exact format
 *   with a 32-byte nonce.
 * @example const { nonce } = decodeChallenge(challenge);
 */
export function decodeChallenge(bytes: Uint8Array): { nonce: Buffer } {
  const message = decodeJson(bytes, MAX_MESSAGE_BYTES, 'challenge', ['nonce']);
  const nonce = decodeBase64(message['nonce'], 'challenge nonce', NONCE_BYTES);
  if (nonce.length !== NONCE_BYTES) fail(`challenge nonce is not ${NONCE_BYTES} bytes`);
  return { nonce };
}

/**
 * Encodes a response.
 *
 * @throws {TesseraError} `ERR_INVALID_ARGUMENT` for an empty or oversize signature.
 * @example return encodeResponse(sign(null, signedBytes(nonce, leafDer), key));
 */
export function encodeResponse(signature: Uint8Array): Uint8Array {
  if (!(signature instanceof Uint8Array) || signature.length === 0 || signature.length > MAX_SIGNATURE_BYTES) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', `x509pop signature must be 1 to ${MAX_SIGNATURE_BYTES} bytes`);
  }
  return encodeJson({ signature: Buffer.from(signature).toString('base64') });
}

/**
 * Decodes and checks a response. It does not verify the signature.
 *
 * @throws {TesseraError} `ERR_ATTESTATION_FAILED` for anything but the exact format.
 * @example const { signature } = decodeResponse(answer);
 */
export function decodeResponse(bytes: Uint8Array): { signature: Buffer } {
  const message = decodeJson(bytes, MAX_MESSAGE_BYTES, 'response', ['signature']);
  return { signature: decodeBase64(message['signature'], 'response signature', MAX_SIGNATURE_BYTES) };
}

/**
 * The bytes a proof of possession signs: SIGNATURE_DOMAIN, then the 32-byte nonce,
 * then the SHA-256 of the leaf certificate's DER. Binding the leaf means a
 * signature made for one certificate cannot be presented with another that holds
 * the same key (and so names another orchestrator); binding the nonce means it
 * answers one challenge only. Every part has a fixed length, so the concatenation
 * is unambiguous.
 *
 * @throws {TesseraError} `ERR_INVALID_ARGUMENT` unless `nonce` is 32 bytes.
 * @example const ok = verify('sha256', signedBytes(nonce, leafDer), leafKey, signature);
 */
export function signedBytes(nonce: Uint8Array, leafDer: Uint8Array): Buffer {
  checkNonce(nonce);
  return Buffer.concat([Buffer.from(SIGNATURE_DOMAIN, 'ascii'), nonce, createHash('sha256').update(leafDer).digest()]);
}

function checkNonce(nonce: Uint8Array): void {
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', `x509pop nonce must be ${NONCE_BYTES} bytes`);
  }
}

function fail(message: string): never {
  throw new TesseraError('ERR_ATTESTATION_FAILED', `x509pop ${message}`);
}

function encodeJson(value: Record<string, unknown>): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

// fatal: invalid UTF-8 is refused rather than replaced; ignoreBOM keeps a BOM in the
// text, where JSON.parse refuses it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** One JSON object with exactly the given fields (any order). */
function decodeJson(bytes: Uint8Array, maxBytes: number, what: string, fields: readonly string[]): Record<string, unknown> {
  if (!(bytes instanceof Uint8Array)) fail(`${what} is not bytes`);
  if (bytes.length > maxBytes) fail(`${what} is larger than ${maxBytes} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    fail(`${what} is not UTF-8 JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} is not a JSON object`);
  const record = value as Record<string, unknown>;
  // JSON.parse makes "__proto__" an own key, so Object.keys sees it and it is refused.
  const keys = Object.keys(record);
  for (const key of keys) if (!fields.includes(key)) fail(`${what} has an unexpected field`);
  for (const field of fields) if (!keys.includes(field)) fail(`${what} is missing ${field}`);
  return record;
}

/** Canonical standard base64 (RFC 4648 section 4) with padding, non-empty. */
function decodeBase64(value: unknown, what: string, maxBytes: number): Buffer {
  if (typeof value !== 'string') fail(`${what} is not a base64 string`);
  // Check the length before the pattern, so an oversize string is not scanned.
  if (value.length === 0 || value.length > Math.ceil(maxBytes / 3) * 4) fail(`${what} is empty or too large`);
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) fail(`${what} is not base64`);
  const bytes = Buffer.from(value, 'base64');
  // Buffer.from skips what it cannot read; a round trip refuses every other spelling.
  if (bytes.toString('base64') !== value) fail(`${what} is not canonical base64`);
  if (bytes.length > maxBytes) fail(`${what} is too large`);
  return bytes;
}
