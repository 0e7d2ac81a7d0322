/**
 * What the gateway refuses before it looks at a route: anything an upstream
 * could read differently than the gateway did. Nothing is normalised: a path
 * with `.`/`..` segments, encoded separators or dots, backslashes or empty
 * segments, a method override, or framing a proxy and a server could disagree
 * on (Content-Length with Transfer-Encoding, two Content-Lengths, hop-by-hop
 * headers naming end-to-end ones) is a 400, never rewritten into something
 * that might match another route.
 */
import type { IncomingMessage } from 'node:http';
import { TesseraError } from '../agent-sdk/errors.js';

/** A request that passed: the lowercase host and the raw path segments ([] for `/`). */
export interface SafeRequest {
  readonly host: string;
  readonly segments: readonly string[];
}

const MAX_URL_LENGTH = 8192;
const HOST = /^[a-z0-9.-]{1,253}(:[0-9]{1,5})?$/;
// RFC 3986 pchar, minus '%' (checked apart) and minus nothing else: anything outside is refused.
const PATH_CHARS = /^[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;
// %2f '/', %5c '\', %2e '.', %00 NUL: each would let the upstream see another path than the one routed.
const ENCODED_SPECIAL = /%(2f|5c|2e|00)/i;
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;
const METHOD_OVERRIDES = ['x-http-method-override', 'x-http-method', 'x-method-override'];
const CONNECTION_TOKENS = new Set(['keep-alive', 'close']);

/**
 * Checks a request's target and framing headers.
 *
 * @throws {TesseraError} `ERR_INVALID_ARGUMENT` naming the rule (the message never echoes the input).
 * @example const { host, segments } = checkRequest(req);
 */
export function checkRequest(req: IncomingMessage): SafeRequest {
  const url = req.url ?? '';
  if (url.length > MAX_URL_LENGTH) refuse('the request target is too long');
  // Origin form only: an absolute URL or `*` would name a target beside the Host header.
  if (!url.startsWith('/')) refuse('the request target must be a path');
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (url.includes('#')) refuse('the request target has a fragment');
  if (!PATH_CHARS.test(path)) refuse('the path has a character that is not allowed');
  if (ENCODED_SPECIAL.test(path)) refuse('the path has an encoded separator, dot or NUL');
  if (BAD_ESCAPE.test(path)) refuse('the path has a malformed percent escape');
  const segments = path === '/' ? [] : path.slice(1).split('/');
  if (segments.some((s) => s === '')) refuse('the path has an empty segment (double or trailing slash)');
  if (segments.some((s) => s === '.' || s === '..')) refuse('the path has a . or .. segment');
  if (query !== -1 && /(^|&)_method=/i.test(url.slice(query + 1))) refuse('the query overrides the method');

  checkHeaders(req);
  const host = (req.headers.host ?? '').toLowerCase();
  if (!HOST.test(host)) refuse('the Host header is missing or malformed');
  return { host, segments };
}

function checkHeaders(req: IncomingMessage): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  if (METHOD_OVERRIDES.some((h) => seen.has(h))) refuse('a method override header is not allowed');
  if ((seen.get('content-length') ?? 0) > 1) refuse('more than one Content-Length');
  if ((seen.get('host') ?? 0) > 1) refuse('more than one Host');
  if (seen.has('transfer-encoding')) {
    if (seen.has('content-length')) refuse('both Content-Length and Transfer-Encoding');
    if (seen.get('transfer-encoding')! > 1 || req.headers['transfer-encoding']!.trim().toLowerCase() !== 'chunked') {
      refuse('Transfer-Encoding other than chunked');
    }
  }
  if (seen.has('upgrade')) refuse('protocol upgrades are not proxied');
  if (seen.has('proxy-connection') || seen.has('keep-alive') && seen.get('keep-alive')! > 1) refuse('a hop-by-hop header is not allowed');
  // Connection may only say keep-alive or close: naming another header would ask a proxy to drop it.
  const connection = req.headers.connection;
  if (connection !== undefined && !connection.split(',').every((t) => CONNECTION_TOKENS.has(t.trim().toLowerCase()))) {
    refuse('Connection names a header');
  }
}

function refuse(why: string): never {
  throw new TesseraError('ERR_INVALID_ARGUMENT', `request refused: ${why}`);
}
