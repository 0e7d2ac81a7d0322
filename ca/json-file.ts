import { TesseraError, type ErrorCode } from '../agent-sdk/errors.js';

/**
 * Parses a JSON configuration or policy file's text; a syntax error names the
 * file, line and column (Node 20's JSON.parse does not always say where).
 *
 * @throws {TesseraError} `code` with "<file>:<line>:<column>: <what>" when the text is not JSON.
 * @example const input = parseJsonFile(await readFile(path, 'utf8'), path, 'ERR_CONFIG_INVALID');
 */
export function parseJsonFile(text: string, file: string, code: ErrorCode): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const { line, column } = lineAndColumn(text, firstSyntaxError(text));
    const what = (err as Error).message.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '');
    throw new TesseraError(code, `${file}:${line}:${column}: not JSON: ${what}`);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** The offset of the first character that breaks RFC 8259's grammar (text.length when it ends too early). */
function firstSyntaxError(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const expect = (c: string) => (text[i] === c ? i++ : fail());
  const string = () => {
    expect('"');
    while (text[i] !== '"') {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        string();
        ws();
        expect(':');
        value();
        ws();
        if (text[i] === '}') return void i++;
        expect(',');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ']') return void i++;
        expect(',');
      }
    }
    if (c === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) fail();
    i += literal![0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (at) {
    if (typeof at === 'number') return at;
    throw at;
  }
  return text.length;
}
