/**
 * Just enough DER to read and write X.509 certificates and PKCS#10 requests
 * without a JavaScript ASN.1 object model: readers walk tag-length-value headers
 * over the original bytes, writers concatenate buffers. Both are on hot paths
 * (every issued certificate, every peer check).
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Thrown for bytes that are not well-formed DER; callers turn it into their own typed error. */
export class DerError extends Error {}

/** One element: its tag, where its content starts, where it ends. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/** Reads the element starting at `offset`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated element header');
  const tag = buf[offset]!;
  // Multi-byte tags never appear in the structures we read.
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  let length = buf[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // DER: no indefinite length, at most 4 length bytes, minimal encoding.
    if (count === 0 || count > 4) throw new DerError('unsupported length encoding');
    if (contentStart + count > limit) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[contentStart + i]!;
    if (length < 0x80 || (count > 1 && buf[contentStart] === 0)) throw new DerError('length is not minimally encoded');
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError('element runs past its container');
  return { tag, start: offset, contentStart, end };
}

/** Reads an element that must have the given tag. */
export function expectTlv(buf: Uint8Array, offset: number, tag: number, limit = buf.length): Tlv {
  const tlv = readTlv(buf, offset, limit);
  if (tlv.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}, found 0x${tlv.tag.toString(16)}`);
  return tlv;
}

/** The elements directly inside a constructed element. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const tlv = readTlv(buf, at, parent.end);
    out.push(tlv);
    at = tlv.end;
  }
  return out;
}

/** Reads a whole buffer that must be exactly one element with the given tag. */
export function readOnly(buf: Uint8Array, tag: number): Tlv {
  const tlv = expectTlv(buf, 0, tag);
  if (tlv.end !== buf.length) throw new DerError('trailing bytes after the element');
  return tlv;
}

/** The raw bytes of an element, header included. */
export function bytesOf(buf: Uint8Array, tlv: Tlv): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset + tlv.start, tlv.end - tlv.start);
}

/** The content bytes of an element. */
export function contentOf(buf: Uint8Array, tlv: Tlv): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset + tlv.contentStart, tlv.end - tlv.contentStart);
}

/** The longest OID arc we decode, in content bytes: 2.25.<UUID> arcs take 19. */
const MAX_ARC_BYTES = 20;

/**
 * Decodes an OBJECT IDENTIFIER's content to dotted form. Arcs beyond 2^53
 * (such as the UUID arcs under 2.25) are decoded with BigInt; the usual small
 * arcs stay on the number path.
 */
export function decodeOid(content: Uint8Array): string {
  if (content.length === 0) throw new DerError('empty object identifier');
  const parts: string[] = [];
  let value = 0;
  let big: bigint | undefined;
  let arcStart = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    if (i === arcStart && b === 0x80) throw new DerError('object identifier is not minimally encoded');
    if (i - arcStart >= MAX_ARC_BYTES) throw new DerError('object identifier arc is too large');
    if (big !== undefined) big = big * 128n + BigInt(b & 0x7f);
    else if (value > (Number.MAX_SAFE_INTEGER - 127) / 128) big = BigInt(value) * 128n + BigInt(b & 0x7f);
    else value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        // X.690 8.19.4: the first subidentifier is 40 * arc1 + arc2, where arc2 is unbounded only under arc 2.
        if (big !== undefined) parts.push('2', (big - 80n).toString());
        else parts.push(String(value < 80 ? Math.floor(value / 40) : 2), String(value < 80 ? value % 40 : value - 80));
      } else {
        parts.push(big !== undefined ? big.toString() : String(value));
      }
      value = 0;
      big = undefined;
      arcStart = i + 1;
    } else if (i === content.length - 1) {
      throw new DerError('truncated object identifier');
    }
  }
  return parts.join('.');
}

/**
 * Decodes the content of a non-negative INTEGER of at most 2^53 - 1 (the
 * counterpart of smallInteger), refusing negative and non-minimal encodings.
 *
 * @throws {DerError} for an empty, negative, non-minimal or too large integer.
 * @example decodeSmallInteger(contentOf(der, expectTlv(der, at, TAG.INTEGER))) // 42
 */
export function decodeSmallInteger(content: Uint8Array): number {
  if (content.length === 0) throw new DerError('empty integer');
  if (content[0]! & 0x80) throw new DerError('negative integer');
  if (content.length > 1 && content[0] === 0 && !(content[1]! & 0x80)) throw new DerError('integer is not minimally encoded');
  if (content.length > 8) throw new DerError('integer is too large');
  let value = 0;
  for (const b of content) value = value * 256 + b;
  if (!Number.isSafeInteger(value)) throw new DerError('integer is too large');
  return value;
}

// Writers.

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Encodes one element from its tag and content. */
export function encode(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/** SEQUENCE of already-encoded elements. */
export function sequence(...parts: Uint8Array[]): Buffer {
  return encode(TAG.SEQUENCE, Buffer.concat(parts));
}

/** SET of already-encoded elements, in the order given (callers pass one element or sorted ones). */
export function set(...parts: Uint8Array[]): Buffer {
  return encode(TAG.SET, Buffer.concat(parts));
}

/** A context-specific constructed tag [n] wrapping already-encoded content (EXPLICIT tagging). */
export function explicit(n: number, ...parts: Uint8Array[]): Buffer {
  return encode(0xa0 | n, Buffer.concat(parts));
}

/** INTEGER from unsigned big-endian bytes, made minimal and non-negative. */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  const content = trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return encode(TAG.INTEGER, content);
}

/** INTEGER for a small non-negative number. */
export function smallInteger(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  return unsignedInteger(Buffer.from(bytes));
}

/** OBJECT IDENTIFIER from dotted form; arcs of any size (BigInt), such as 2.25.<UUID>. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((arc) => BigInt(arc));
  const out: number[] = [];
  const push = (v: bigint) => {
    const chunk = [Number(v & 0x7fn)];
    for (let n = v >> 7n; n > 0n; n >>= 7n) chunk.unshift(0x80 | Number(n & 0x7fn));
    out.push(...chunk);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const arc of arcs.slice(2)) push(arc);
  return encode(TAG.OID, Buffer.from(out));
}

export const boolean = (value: boolean): Buffer => encode(TAG.BOOLEAN, Buffer.from([value ? 0xff : 0]));
export const octetString = (content: Uint8Array): Buffer => encode(TAG.OCTET_STRING, content);
export const utf8String = (s: string): Buffer => encode(TAG.UTF8_STRING, Buffer.from(s, 'utf8'));

/** BIT STRING with no unused bits. */
export function bitString(content: Uint8Array): Buffer {
  return encode(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), content]));
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime after; whole seconds, UTC. */
export function time(ms: number): Buffer {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString(); // 2026-11-22T10:33:27.000Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z'; // 20261122103327Z
  const year = Number(iso.slice(0, 4));
  if (year >= 1950 && year < 2050) return encode(TAG.UTC_TIME, Buffer.from(digits.slice(2), 'ascii'));
  return encode(TAG.GENERALIZED_TIME, Buffer.from(digits, 'ascii'));
}
