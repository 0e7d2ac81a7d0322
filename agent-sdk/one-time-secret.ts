import { createHash, randomBytes } from 'node:crypto';

// One-time secrets (join tokens, spawn tickets): 256 random bits as unpadded
// base64url. The CA shows a secret once and stores only its SHA-256, so a leaked
// store leaks no usable secret.

/** The length of a one-time secret's text. */
export const ONE_TIME_SECRET_CHARS = 43;

/** A new one-time secret: 32 random bytes, base64url without padding (43 characters). */
export function newOneTimeSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What the store keeps of a one-time secret: the SHA-256 of its text, lowercase hex. */
export function hashOneTimeSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Why `text` is not a one-time secret in canonical form, or undefined when it is
 * one. The reason never holds the text, so callers can put it in an error.
 *
 * @example if (oneTimeSecretProblem(ticket)) throw new TesseraError('ERR_TICKET_INVALID', 'spawn ticket is malformed');
 */
export function oneTimeSecretProblem(text: unknown): string | undefined {
  if (typeof text !== 'string' || text.length !== ONE_TIME_SECRET_CHARS) {
    return `must be ${ONE_TIME_SECRET_CHARS} base64url characters`;
  }
  for (let i = 0; i < text.length; i++) {
    if (!isBase64UrlChar(text.charCodeAt(i))) return 'has a character outside base64url';
  }
  // The last character carries two padding bits, which must be zero: refuse a
  // second spelling of the same bytes rather than normalise it.
  if (Buffer.from(text, 'base64url').toString('base64url') !== text) return 'is not in canonical base64url';
  return undefined;
}

/** RFC 4648 section 5 alphabet: A-Z a-z 0-9 '-' '_'. */
function isBase64UrlChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;
}
