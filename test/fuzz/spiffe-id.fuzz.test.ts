import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpiffeIdError } from '../../agent-sdk/errors.js';
import { SpiffeId, parseSpiffeId } from '../../agent-sdk/spiffe-id.js';
import { FUZZ_RUNS } from '../helpers/fuzz.js';

// An independent statement of the canonical grammar (SPIFFE-ID 2), to compare against.
const CANONICAL = /^spiffe:\/\/[a-z0-9._-]{1,255}(\/(?!\.\.?(\/|$))[A-Za-z0-9._-]+)*$/;

function check(input: string): void {
  let id: SpiffeId;
  try {
    id = parseSpiffeId(input);
  } catch (err) {
    // Never anything but the typed error.
    expect(err).toBeInstanceOf(SpiffeIdError);
    expect((err as SpiffeIdError).code).toBe('ERR_SPIFFE_ID_INVALID');
    expect(CANONICAL.test(input) && input.length <= 2048, `refused a canonical ID: ${JSON.stringify(input)}`).toBe(false);
    return;
  }
  // Accepted: canonical, and it prints back exactly as given.
  expect(CANONICAL.test(input), `accepted a non-canonical ID: ${JSON.stringify(input)}`).toBe(true);
  expect(id.toString()).toBe(input);
  expect(parseSpiffeId(id.toString()).equals(id)).toBe(true);
}

describe('SPIFFE ID parser, fuzzed', () => {
  it('ok/every byte value in every position of a valid ID: typed refusal or canonical round trip', () => {
    const base = 'spiffe://td.local/agent/o-1/task_2/abc';
    for (let i = 0; i <= base.length; i++) {
      for (let code = 0; code < 256; code++) {
        const c = String.fromCharCode(code);
        check(base.slice(0, i) + c + base.slice(i)); // inserted
        if (i < base.length) check(base.slice(0, i) + c + base.slice(i + 1)); // replaced
      }
    }
  });

  it('ok/arbitrary strings never crash the parser and never pass in a non-canonical form', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._%\-/ A:@?#]{0,12}$/);
    const candidate = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.tuple(fc.constantFrom('spiffe://', 'SPIFFE://', 'spiffe:/', 'spiffe://'), fc.stringMatching(/^[A-Za-z0-9.:@_-]{0,10}$/), fc.array(segment, { maxLength: 5 }))
        .map(([scheme, td, segments]) => `${scheme}${td}${segments.map((s) => `/${s}`).join('')}`),
    );
    fc.assert(fc.property(candidate, (input) => check(input)), { numRuns: FUZZ_RUNS * 10 });
  });

  it('ok/IDs built from valid segments always parse and round-trip', () => {
    const td = fc.stringMatching(/^[a-z0-9._-]{1,20}$/);
    const seg = fc.stringMatching(/^[A-Za-z0-9._-]{1,16}$/).filter((s) => s !== '.' && s !== '..');
    fc.assert(fc.property(td, fc.array(seg, { maxLength: 6 }), (trustDomain, segments) => {
      const id = SpiffeId.fromSegments(trustDomain, ...segments);
      expect(parseSpiffeId(id.toString()).segments).toEqual(segments);
    }), { numRuns: FUZZ_RUNS });
  });
});
