/**
 * Route path patterns: `/` then segments, each a literal, `*` (exactly one
 * segment) or, last only, `**` (any number of segments, none included).
 * Matching works on the request path's raw segments, which request-safety.ts
 * has already refused when they hold `.`/`..`, encoded separators or empty
 * parts: nothing is decoded or normalised on the way.
 */

export interface PathPattern {
  readonly text: string;
  readonly segments: readonly string[];
}

const LITERAL = /^[A-Za-z0-9._~!$&'()+,;=:@-]+$/;

/**
 * @throws {Error} with a message naming what is wrong (the config validator reports it).
 * @example parsePathPattern('/api/*\/items/**')
 */
export function parsePathPattern(text: string): PathPattern {
  if (!text.startsWith('/')) throw new Error('a path pattern starts with /');
  const segments = text === '/' ? [] : text.slice(1).split('/');
  segments.forEach((segment, i) => {
    if (segment === '**' && i === segments.length - 1) return;
    if (segment === '*') return;
    if (segment === '.' || segment === '..' || !LITERAL.test(segment)) throw new Error(`segment ${i + 1} is not a literal, * or a final **`);
  });
  return { text, segments };
}

/** Whether the request path segments match. Never throws. @example matchesPath(parsePathPattern('/a/**'), ['a', 'b']) // true */
export function matchesPath(pattern: PathPattern, segments: readonly string[]): boolean {
  const p = pattern.segments;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '**') return true;
    if (i >= segments.length) return false;
    if (p[i] !== '*' && p[i] !== segments[i]) return false;
  }
  return p.length === segments.length;
}
