/**
 * Task scopes: what an agent may do. One small grammar, checked character by
 * character on the raw string, and one subset function that the CA (spawn
 * ceilings, delegation, tokens) and services (token validation) all use.
 *
 *   scope    = action ":" resource [ ":" id ]
 *   action   = "*" / 1*64( a-z ) then ( a-z / 0-9 / "-" / "_" )   e.g. read, search
 *   resource = "*" / [ "/" ] name *( "/" name )                     e.g. files, /docs/q3, repo/tessera
 *   id       = "*" / name                                            e.g. 42, report.pdf
 *   name     = ( a-z / 0-9 ) *( a-z / 0-9 / "-" / "_" / "." )
 *
 * At most 256 characters. `*` is a wildcard only as a whole segment (`files:*`,
 * never `fil*` or `/docs/*`). Nothing is normalised: uppercase, percent-encoding,
 * whitespace, empty segments or path parts, `.`/`..` parts and a trailing `/`
 * are refused, so every scope has exactly one spelling.
 *
 * Cover: a granted scope covers a requested one when both have the same number
 * of segments and each granted segment is `*` or equal to the requested one.
 * Nothing else widens: `files:/a` covers neither `files:/ab` nor `files:/a/b`,
 * and `read:files` does not cover `read:files:1` (grant `read:files:*` for that).
 */
import { ScopeError } from './errors.js';

/** The most scopes one task, token or delegation may carry. */
export const MAX_SCOPES = 64;
/** The longest scope, in characters. */
export const MAX_SCOPE_LENGTH = 256;
const MAX_ACTION_LENGTH = 64;

const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isNameChar = (c: number) => isLower(c) || isDigit(c) || c === 0x2d || c === 0x5f || c === 0x2e; // - _ .

/** Why `action` is not one, or undefined when it is. */
function actionProblem(action: string): string | undefined {
  if (action === '*') return undefined;
  if (action.length === 0) return 'the action is empty';
  if (action.length > MAX_ACTION_LENGTH) return `the action is longer than ${MAX_ACTION_LENGTH} characters`;
  if (!isLower(action.charCodeAt(0))) return 'the action must start with a lowercase letter';
  for (let i = 1; i < action.length; i++) {
    const c = action.charCodeAt(i);
    if (!isLower(c) && !isDigit(c) && c !== 0x2d && c !== 0x5f) return `the action has a character that is not allowed at offset ${i}`;
  }
  return undefined;
}

/** Why `name` (one path part or an id) is not one, or undefined when it is. */
function nameProblem(name: string, what: string): string | undefined {
  if (name.length === 0) return `${what} is empty`;
  // A first character that is a letter or digit also rules out "." and "..".
  const first = name.charCodeAt(0);
  if (!isLower(first) && !isDigit(first)) return `${what} must start with a lowercase letter or a digit`;
  for (let i = 1; i < name.length; i++) {
    if (!isNameChar(name.charCodeAt(i))) return `${what} has a character that is not allowed at offset ${i}`;
  }
  return undefined;
}

function resourceProblem(resource: string): string | undefined {
  if (resource === '*') return undefined;
  const parts = (resource.startsWith('/') ? resource.slice(1) : resource).split('/');
  for (const part of parts) {
    const problem = nameProblem(part, 'a resource part');
    if (problem) return problem;
  }
  return undefined;
}

function problemOf(scope: unknown): string | undefined {
  if (typeof scope !== 'string') return 'a scope must be a string';
  if (scope.length === 0) return 'the scope is empty';
  if (scope.length > MAX_SCOPE_LENGTH) return `the scope is longer than ${MAX_SCOPE_LENGTH} characters`;
  const segments = scope.split(':');
  if (segments.length < 2 || segments.length > 3) return 'a scope is action:resource or action:resource:id';
  const [action, resource, id] = segments as [string, string, string | undefined];
  return actionProblem(action) ?? resourceProblem(resource) ?? (id === undefined || id === '*' ? undefined : nameProblem(id, 'the id'));
}

/**
 * Checks a scope and returns it unchanged: a scope in the grammar above is its
 * own canonical form, and anything else is refused, never rewritten.
 *
 * @throws {ScopeError} `ERR_SCOPE_INVALID`, with a message that does not echo the input.
 * @example parseScope('read:files:*') // 'read:files:*'
 * @example parseScope('Read:files') // throws ERR_SCOPE_INVALID
 */
export function parseScope(scope: string): string {
  const problem = problemOf(scope);
  if (problem) throw new ScopeError(`invalid scope: ${problem}`);
  return scope;
}

/** Whether `scope` is a scope in canonical form. Never throws. @example isScope('search:query') // true */
export function isScope(scope: unknown): scope is string {
  return problemOf(scope) === undefined;
}

/**
 * Checks a list of scopes and returns it as a set in canonical order: sorted,
 * each once. An exact repeat is dropped (it names the same scope), a variant
 * spelling is refused like any other invalid scope.
 *
 * @throws {ScopeError} `ERR_SCOPE_INVALID` for an invalid scope or more than MAX_SCOPES.
 * @example parseScopes(['write:files', 'read:files', 'read:files']) // ['read:files', 'write:files']
 */
export function parseScopes(scopes: readonly string[]): string[] {
  if (!Array.isArray(scopes)) throw new ScopeError('scopes must be a list');
  const set = [...new Set(scopes.map(parseScope))].sort();
  if (set.length > MAX_SCOPES) throw new ScopeError(`at most ${MAX_SCOPES} scopes`);
  return set;
}

function covers(granted: string, requested: string): boolean {
  if (granted === requested) return true;
  const g = granted.split(':');
  const r = requested.split(':');
  return g.length === r.length && g.every((segment, i) => segment === '*' || segment === r[i]);
}

/**
 * Whether every requested scope is covered by some granted scope (see the cover
 * rule above). The one subset test of Tessera: spawn ceilings, delegation,
 * token minting and token validation all use it. Fails closed: a requested
 * scope that is not canonical is never covered, and a granted one that is not
 * canonical covers nothing. An empty request is covered. Never throws.
 *
 * @example scopesCover(['read:files:*'], ['read:files:42']) // true
 * @example scopesCover(['files:/a'], ['files:/ab']) // false
 */
export function scopesCover(granted: readonly string[], requested: readonly string[]): boolean {
  if (!Array.isArray(granted) || !Array.isArray(requested)) return false;
  const valid = granted.filter(isScope);
  return requested.every((r) => isScope(r) && valid.some((g) => covers(g, r)));
}
