import { SpiffeIdError } from './errors.js';

// SPIFFE-ID 2.2-2.3 and 4.x: the rules below are checked on the raw string, byte by
// byte. Nothing is ever normalised: a non-canonical form is refused, because two
// spellings of one identity are how authorization checks get bypassed.
const SCHEME = 'spiffe://';
const MAX_ID_BYTES = 2048;
const MAX_TRUST_DOMAIN_BYTES = 255;

/** Lowercase letters, digits, '.', '-', '_' (SPIFFE-ID 2.1). */
function isTrustDomainChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x5f;
}

/** Letters, digits, '.', '-', '_' (SPIFFE-ID 2.2). */
function isPathChar(c: number): boolean {
  return isTrustDomainChar(c) || (c >= 0x41 && c <= 0x5a);
}

/**
 * Checks a trust domain name and returns it.
 *
 * @throws {SpiffeIdError} `ERR_SPIFFE_ID_INVALID` when empty, over 255 bytes, or
 * holding anything but lowercase letters, digits, '.', '-' and '_' (so no port,
 * userinfo or uppercase).
 * @example parseTrustDomain('tessera.local') // 'tessera.local'
 */
export function parseTrustDomain(name: string): string {
  if (name.length === 0) throw new SpiffeIdError('trust domain is empty');
  if (name.length > MAX_TRUST_DOMAIN_BYTES) throw new SpiffeIdError('trust domain is longer than 255 bytes');
  for (let i = 0; i < name.length; i++) {
    if (!isTrustDomainChar(name.charCodeAt(i))) {
      throw new SpiffeIdError(`trust domain has a character that is not allowed at offset ${i}`);
    }
  }
  return name;
}

/**
 * Checks one path segment: non-empty, not '.' or '..', only letters, digits, '.',
 * '-' and '_'. Returns it.
 *
 * @throws {SpiffeIdError} `ERR_SPIFFE_ID_INVALID`
 * @example parsePathSegment('task-42') // 'task-42'
 */
export function parsePathSegment(segment: string): string {
  if (segment.length === 0) throw new SpiffeIdError('path segment is empty');
  if (segment === '.' || segment === '..') throw new SpiffeIdError('path segment is a dot segment');
  for (let i = 0; i < segment.length; i++) {
    if (!isPathChar(segment.charCodeAt(i))) {
      throw new SpiffeIdError(`path segment has a character that is not allowed at offset ${i}`);
    }
  }
  return segment;
}

/**
 * A SPIFFE ID in canonical form. Only `SpiffeId.parse` and `SpiffeId.fromSegments`
 * make one, so holding a SpiffeId means the string was checked.
 */
export class SpiffeId {
  /** The trust domain name, for example "tessera.local". */
  readonly trustDomain: string;
  /** The path, "" or starting with '/', for example "/agent/orch-a/t1/5f3c...". */
  readonly path: string;

  private constructor(trustDomain: string, path: string) {
    this.trustDomain = trustDomain;
    this.path = path;
  }

  /**
   * Parses a SPIFFE ID from its string form without normalising anything.
   *
   * @throws {SpiffeIdError} `ERR_SPIFFE_ID_INVALID` for anything but the canonical
   * form: another scheme, uppercase trust domain, port, userinfo, query, fragment,
   * percent-encoding, empty or dot segments, a trailing '/', over 2048 bytes.
   * @example SpiffeId.parse('spiffe://tessera.local/orchestrator/orch-a').path // '/orchestrator/orch-a'
   */
  static parse(id: string): SpiffeId {
    if (typeof id !== 'string') throw new SpiffeIdError('SPIFFE ID is not a string');
    // Every allowed character is ASCII, so string length equals byte length for any
    // string that can pass; a longer-by-bytes string fails on a character anyway.
    if (id.length > MAX_ID_BYTES) throw new SpiffeIdError('SPIFFE ID is longer than 2048 bytes');
    if (!id.startsWith(SCHEME)) throw new SpiffeIdError('SPIFFE ID must start with "spiffe://"');
    let i = SCHEME.length;
    const tdStart = i;
    while (i < id.length && id.charCodeAt(i) !== 0x2f) {
      if (!isTrustDomainChar(id.charCodeAt(i))) {
        throw new SpiffeIdError(`SPIFFE ID trust domain has a character that is not allowed at offset ${i}`);
      }
      i++;
    }
    const trustDomain = id.slice(tdStart, i);
    if (trustDomain.length === 0) throw new SpiffeIdError('SPIFFE ID trust domain is empty');
    if (trustDomain.length > MAX_TRUST_DOMAIN_BYTES) throw new SpiffeIdError('SPIFFE ID trust domain is longer than 255 bytes');
    const path = id.slice(i);
    checkPath(path, i);
    return new SpiffeId(trustDomain, path);
  }

  /**
   * Builds a SPIFFE ID from a trust domain and path segments, checking each.
   *
   * @throws {SpiffeIdError} `ERR_SPIFFE_ID_INVALID`
   * @example SpiffeId.fromSegments('tessera.local', 'service', 'search').toString()
   * // 'spiffe://tessera.local/service/search'
   */
  static fromSegments(trustDomain: string, ...segments: string[]): SpiffeId {
    parseTrustDomain(trustDomain);
    for (const s of segments) parsePathSegment(s);
    const path = segments.length ? `/${segments.join('/')}` : '';
    if (SCHEME.length + trustDomain.length + path.length > MAX_ID_BYTES) {
      throw new SpiffeIdError('SPIFFE ID is longer than 2048 bytes');
    }
    return new SpiffeId(trustDomain, path);
  }

  /** The path split into its segments; [] for the trust domain's own ID. */
  get segments(): string[] {
    return this.path === '' ? [] : this.path.slice(1).split('/');
  }

  /** Whether this ID belongs to the given trust domain. */
  memberOf(trustDomain: string): boolean {
    return this.trustDomain === trustDomain;
  }

  /** Whether two IDs are the same identity (canonical forms compare as strings). */
  equals(other: SpiffeId): boolean {
    return this.trustDomain === other.trustDomain && this.path === other.path;
  }

  /** The canonical string form, "spiffe://<trust domain><path>". */
  toString(): string {
    return `${SCHEME}${this.trustDomain}${this.path}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

// `offset` is where the path starts in the whole ID, so errors point at the byte.
function checkPath(path: string, offset: number): void {
  if (path === '') return;
  let segmentStart = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i < path.length && path.charCodeAt(i) !== 0x2f) {
      if (!isPathChar(path.charCodeAt(i))) {
        throw new SpiffeIdError(`SPIFFE ID path has a character that is not allowed at offset ${offset + i}`);
      }
      continue;
    }
    if (i === 0) {
      segmentStart = 1;
      continue;
    }
    const segment = path.slice(segmentStart, i);
    if (segment.length === 0) {
      throw new SpiffeIdError(
        i === path.length ? 'SPIFFE ID path must not end with "/"' : `SPIFFE ID path has an empty segment at offset ${offset + i}`,
      );
    }
    if (segment === '.' || segment === '..') {
      throw new SpiffeIdError(`SPIFFE ID path has a dot segment at offset ${offset + segmentStart}`);
    }
    segmentStart = i + 1;
  }
}

/**
 * Parses a SPIFFE ID; shorthand for `SpiffeId.parse`.
 *
 * @throws {SpiffeIdError} `ERR_SPIFFE_ID_INVALID`
 * @example parseSpiffeId('spiffe://tessera.local/tessera/ca').trustDomain // 'tessera.local'
 */
export function parseSpiffeId(id: string): SpiffeId {
  return SpiffeId.parse(id);
}

/** Whether `id` is a SPIFFE ID in canonical form. Never throws. */
export function isSpiffeId(id: string): boolean {
  try {
    SpiffeId.parse(id);
    return true;
  } catch {
    return false;
  }
}
