import { MarvinConfigError } from '../errors/marvin-config-error.js';

/**
 * Reads a Marvin config file's text the way Marvin does (configGenerator.getSetupConfig): JSON in
 * which lines starting with `#` are comments (the shipped .cfg files open with a license header).
 * Comment lines are blanked, not removed, so a syntax error's line and column point into the file
 * as the user sees it.
 */
export function parseMarvinJson(text: string, file: string): unknown {
  const body = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/^[ \t]*#.*$/gm, '');
  if (body.trim() === '') throw new MarvinConfigError(file, [{ path: '', message: 'no JSON in the file (empty, or only # comments)' }]);
  try {
    return JSON.parse(body);
  } catch {
    // V8's message has no position for some errors and quotes the input (which may hold passwords):
    // locate and describe the error ourselves instead.
    const { offset, message } = locateJsonError(body);
    const { line, column } = lineAndColumn(body, offset);
    throw new MarvinConfigError(file, [{ path: '', line, column, message: `invalid JSON: ${message}` }]);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

class JsonSyntax {
  constructor(readonly offset: number, readonly message: string) {}
}

const MAX_DEPTH = 10_000;

/** Finds the first syntax error of text that JSON.parse rejected. Strict RFC 8259, like JSON.parse. */
export function locateJsonError(s: string): { offset: number; message: string } {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntax(at, message);
  };
  const describe = (): string => (i >= s.length ? 'unexpected end of input' : `unexpected character ${JSON.stringify(s[i])}`);
  const ws = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    ws();
    const c = s[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const lit of ['true', 'false', 'null']) {
      if (s.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    if (c === "'") fail('strings must use double quotes');
    fail(describe());
  };
  const object = (depth: number): void => {
    i++;
    ws();
    if (s[i] === '}') {
      i++;
      return;
    }
    let comma = -1;
    for (;;) {
      ws();
      if (s[i] === '}') fail('trailing comma before "}"', comma);
      if (s[i] !== '"') fail(i >= s.length ? 'unexpected end of input' : 'expected a double-quoted property name');
      string();
      ws();
      if (s[i] !== ':') fail(i >= s.length ? 'unexpected end of input' : "expected ':' after property name");
      i++;
      value(depth + 1);
      ws();
      if (s[i] === ',') {
        comma = i++;
        continue;
      }
      if (s[i] === '}') {
        i++;
        return;
      }
      fail(i >= s.length ? 'unexpected end of input' : "expected ',' or '}' after property value");
    }
  };
  const array = (depth: number): void => {
    i++;
    ws();
    if (s[i] === ']') {
      i++;
      return;
    }
    let comma = -1;
    for (;;) {
      ws();
      if (s[i] === ']') fail('trailing comma before "]"', comma);
      value(depth + 1);
      ws();
      if (s[i] === ',') {
        comma = i++;
        continue;
      }
      if (s[i] === ']') {
        i++;
        return;
      }
      fail(i >= s.length ? 'unexpected end of input' : "expected ',' or ']' after array element");
    }
  };
  const string = (): void => {
    const start = i;
    i++;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('unescaped control character (a line break?) inside a string');
      if (c === 0x5c) {
        const e = s[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) fail('invalid \\u escape');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('invalid escape sequence');
        i += 2;
        continue;
      }
      i++;
    }
    fail('unterminated string', start);
  };
  const number = (): void => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(s.slice(i, i + 400));
    if (!m || m[0] === '-') fail('invalid number');
    i += m![0].length;
  };
  try {
    value(0);
    ws();
    if (i < s.length) fail('unexpected content after the end of the JSON value');
    return { offset: 0, message: 'not valid JSON' };
  } catch (err) {
    if (err instanceof JsonSyntax) return { offset: err.offset, message: err.message };
    return { offset: 0, message: 'not valid JSON' };
  }
}
