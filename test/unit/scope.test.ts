import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../agent-sdk/errors.js';
import { MAX_SCOPES, isScope, parseScope, parseScopes, scopesCover } from '../../agent-sdk/scope.js';

const chars = (alphabet: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const action = fc.tuple(fc.constantFrom(...LOWER), chars(`${LOWER}${DIGITS}-_`, 0, 8)).map(([a, b]) => a + b);
const name = fc.tuple(fc.constantFrom(...`${LOWER}${DIGITS}`), chars(`${LOWER}${DIGITS}-_.`, 0, 6)).map(([a, b]) => a + b);
const resource = fc.tuple(fc.boolean(), fc.array(name, { minLength: 1, maxLength: 3 })).map(([slash, parts]) => (slash ? '/' : '') + parts.join('/'));
/** A canonical scope without wildcards. */
const concrete = fc.tuple(action, resource, fc.option(name, { nil: undefined })).map(([a, r, id]) => (id === undefined ? `${a}:${r}` : `${a}:${r}:${id}`));
/** A canonical scope, some segments replaced by `*`. */
const scope = fc.tuple(concrete, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }))
  .map(([s, stars]) => s.split(':').map((seg, i) => (stars[i] ? '*' : seg)).join(':'));

/** Ways to spell a scope differently: each must be refused or name another scope. */
const respell = (s: string, at: number, kind: number): string => {
  const i = at % (s.length + 1);
  switch (kind % 12) {
    case 0: return s.slice(0, i) + s.slice(i, i + 1).toUpperCase() + s.slice(i + 1);
    case 1: return s.slice(0, i) + `%${(s.charCodeAt(i) || 0x61).toString(16)}` + s.slice(i + 1);
    case 2: return `${s.slice(0, i)}:${s.slice(i)}`;
    case 3: return `${s.slice(0, i)}/${s.slice(i)}`;
    case 4: return `${s}/`;
    case 5: return `${s.slice(0, i)}/..${s.slice(i)}`;
    case 6: return ` ${s}`;
    case 7: return `${s}\n`;
    case 8: return s.slice(0, i) + '\u0430' + s.slice(i + 1); // Cyrillic a
    case 9: return `${s.slice(0, i)}*${s.slice(i)}`;
    case 10: return s.normalize('NFKC') + '\u0000';
    default: return s.slice(0, i) + s.slice(i + 1);
  }
};

/** The cover rule, written independently of the implementation, for the properties. */
const segmentMatch = (g: string, r: string) => {
  const [gs, rs] = [g.split(':'), r.split(':')];
  return gs.length === rs.length && gs.every((x, i) => x === '*' || x === rs[i]);
};

describe('scope grammar', () => {
  it('ok/canonical scopes parse to themselves', () => {
    for (const s of ['read:files', 'read:files:*', 'search:query', '*:*', '*:*:*', 'files:/a', 'files:/docs/q3', 'write:repo/tessera:readme.md', 'run_job:ci-1:42']) {
      expect(parseScope(s)).toBe(s);
      expect(isScope(s)).toBe(true);
    }
  });

  it('fail/every other spelling is refused, never normalised', () => {
    const refused = [
      '', 'read', 'read:', ':files', 'read::x', 'read:files:', 'read:files:1:2', 'Read:files', 'read:Files', 'read:files:ID',
      'read:files%2f', 'read:%66iles', 'read:files/', 'read:/', 'read://a', 'read:a//b', 'read:/a/../b', 'read:/a/./b', 'read:..',
      'read:.hidden', 'read:fil*', 'read:/docs/*', 'rea*:files', ' read:files', 'read:files ', 'read:fi les', 'read:files\n',
      'read:fi\u0000les', 'r\u0435ad:files', 'read:ﬁles', '1read:files', '-read:files', 'read:files:-', `read:${'a'.repeat(300)}`,
      `${'a'.repeat(65)}:files`,
    ];
    for (const s of refused) {
      expect(isScope(s), JSON.stringify(s)).toBe(false);
      const err = (() => { try { parseScope(s); } catch (e) { return e; } })();
      expect(err, JSON.stringify(s)).toBeInstanceOf(TesseraError);
      expect((err as TesseraError).code).toBe('ERR_SCOPE_INVALID');
      expect(scopesCover(['*:*', '*:*:*'], [s]), JSON.stringify(s)).toBe(false);
    }
  });

  it('ok/parseScopes returns a sorted set; fail/more than MAX_SCOPES', () => {
    expect(parseScopes(['write:files', 'read:files', 'read:files'])).toEqual(['read:files', 'write:files']);
    const many = Array.from({ length: MAX_SCOPES + 1 }, (_, i) => `read:f${i}`);
    expect(() => parseScopes(many)).toThrow(expect.objectContaining({ code: 'ERR_SCOPE_INVALID' }));
    expect(() => parseScopes(['read:files', 'READ:files'])).toThrow(expect.objectContaining({ code: 'ERR_SCOPE_INVALID' }));
  });

  it('ok/wildcards cover whole segments only; fail/no prefix confusion, no implicit hierarchy', () => {
    expect(scopesCover(['read:files:*'], ['read:files:42'])).toBe(true);
    expect(scopesCover(['*:files'], ['write:files'])).toBe(true);
    expect(scopesCover(['read:*'], ['read:/docs/q3'])).toBe(true);
    expect(scopesCover(['files:/a'], ['files:/ab'])).toBe(false);
    expect(scopesCover(['files:/a'], ['files:/a/b'])).toBe(false);
    expect(scopesCover(['files:/a'], ['files:a'])).toBe(false);
    expect(scopesCover(['read:files'], ['read:files:1'])).toBe(false);
    expect(scopesCover(['read:files:1'], ['read:files'])).toBe(false);
    expect(scopesCover(['read:files'], ['read:*'])).toBe(false);
    expect(scopesCover(['read:*'], ['*:*'])).toBe(false);
    expect(scopesCover(['read:files'], [])).toBe(true);
    expect(scopesCover([], ['read:files'])).toBe(false);
    expect(scopesCover(['READ:files', 'read:files%2f'], ['read:files'])).toBe(false);
  });
});

describe('scope properties (fast-check)', () => {
  it('ok/parse is the identity or a refusal, for any string', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), scope, fc.tuple(scope, fc.nat(), fc.nat()).map(([s, a, k]) => respell(s, a, k))), (s) => {
      if (isScope(s)) expect(parseScope(s)).toBe(s);
      else expect(() => parseScope(s)).toThrow(expect.objectContaining({ code: 'ERR_SCOPE_INVALID' }));
    }), { numRuns: 2000 });
  });

  it('fail/no widening under any spelling: concrete grants cover exactly themselves', () => {
    const request = (granted: string[]) => fc.oneof(
      fc.constantFrom(...granted),
      fc.tuple(fc.constantFrom(...granted), fc.nat(), fc.nat()).map(([s, at, kind]) => respell(s, at, kind)),
      fc.tuple(fc.constantFrom(...granted), fc.string({ minLength: 1, maxLength: 4 })).map(([s, suffix]) => s + suffix),
      fc.string({ unit: 'binary' }),
    );
    fc.assert(fc.property(fc.array(concrete, { minLength: 1, maxLength: 5 }).chain((g) => fc.tuple(fc.constant(g), request(g))), ([granted, r]) => {
      if (scopesCover(granted, [r])) expect(granted).toContain(r);
    }), { numRuns: 3000 });
  });

  it('fail/with wildcards, a covered request is canonical and matches a grant segment by segment', () => {
    fc.assert(fc.property(fc.array(scope, { minLength: 1, maxLength: 4 }), scope, fc.nat(), fc.nat(), (granted, base, at, kind) => {
      for (const r of [base, respell(base, at, kind), respell(granted[0]!, at, kind)]) {
        if (scopesCover(granted, [r])) {
          expect(isScope(r)).toBe(true);
          expect(granted.some((g) => segmentMatch(g, r))).toBe(true);
        }
      }
    }), { numRuns: 3000 });
  });

  it('ok/cover is transitive and a set covers itself', () => {
    fc.assert(fc.property(fc.array(scope, { maxLength: 4 }), fc.array(scope, { maxLength: 4 }), fc.array(concrete, { maxLength: 4 }), (a, b, c) => {
      expect(scopesCover(a, a)).toBe(true);
      if (scopesCover(a, b) && scopesCover(b, c)) expect(scopesCover(a, c)).toBe(true);
    }), { numRuns: 3000 });
  });

  it('ok/narrowing never grows the set of concrete scopes a grant allows', () => {
    fc.assert(fc.property(fc.array(scope, { minLength: 1, maxLength: 4 }), fc.array(scope, { maxLength: 4 }), fc.array(concrete, { maxLength: 6 }), (parent, child, probes) => {
      if (!scopesCover(parent, child)) return;
      for (const p of probes) if (scopesCover(child, [p])) expect(scopesCover(parent, [p])).toBe(true);
    }), { numRuns: 3000 });
  });
});
