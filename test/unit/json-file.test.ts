import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../agent-sdk/errors.js';
import { parseJsonFile } from '../../ca/json-file.js';

function messageOf(text: string): string {
  try {
    parseJsonFile(text, 'ca.json', 'ERR_CONFIG_INVALID');
  } catch (err) {
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('ERR_CONFIG_INVALID');
    return (err as Error).message;
  }
  throw new Error('parsed');
}

describe('parseJsonFile', () => {
  it('ok/valid JSON parses as JSON.parse does', () => {
    expect(parseJsonFile('{ "a": [1, -2.5e3, "x\\u00e9", true, null] }', 'f', 'ERR_CONFIG_INVALID')).toEqual({ a: [1, -2500, 'xé', true, null] });
  });

  it.each([
    ['{"a":}', 'ca.json:1:6: '], // V8 gives no position for this one
    ['{\n  "a": 1,\n}', 'ca.json:3:1: '],
    ['{"a": 1', 'ca.json:1:8: '],
    ['[1, 2]\n\n  x', 'ca.json:3:3: '],
    ['{"a": "line\nbreak"}', 'ca.json:1:12: '],
    ['', 'ca.json:1:1: '],
  ])('fail/%j names the line and column of the first bad character', (text, where) => {
    expect(messageOf(text)).toContain(where);
  });
});
