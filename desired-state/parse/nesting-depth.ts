/**
 * How deep a YAML text nests, estimated in one pass without parsing: flow brackets outside quotes
 * and comments, plus compact block nesting (`- - - x`) and indentation. The `yaml` parser recurses
 * per level; a two-kilobyte file of `[[[[…` overflows its stack and can take the process down with it
 * (V8 aborts compiling a regular expression at that depth), so such files are refused before parsing.
 */
const SPACE = 32, TAB = 9, LF = 10, CR = 13, DASH = 45, HASH = 35, DQ = 34, SQ = 39, BACKSLASH = 92;
const OPEN_SQ = 91, OPEN_CURLY = 123, CLOSE_SQ = 93, CLOSE_CURLY = 125;

export function deepestNesting(text: string, limit: number): { depth: number; offset: number } | undefined {
  let flow = 0;
  let quote = 0;
  let block = 0;
  let lineStart = true;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === BACKSLASH && quote === DQ) i++;
      else if (c === quote) quote = 0;
      else if (c === LF && flow === 0) quote = 0; // an unterminated quote: the parser will say so
      continue;
    }
    if (lineStart) {
      // Indentation and compact sequence entries both open a block level.
      let j = i;
      while (text.charCodeAt(j) === SPACE) j++;
      let dashes = 0;
      for (;;) {
        const next = text.charCodeAt(j + 1);
        if (text.charCodeAt(j) !== DASH || (next !== SPACE && next !== TAB)) break;
        dashes++;
        j += 2;
        while (text.charCodeAt(j) === SPACE) j++;
      }
      block = ((j - i - 2 * dashes + 1) >> 1) + dashes;
      lineStart = false;
    }
    if (c === LF) {
      lineStart = true;
      continue;
    }
    if (c === HASH && (i === 0 || isBlank(text.charCodeAt(i - 1)))) {
      while (i + 1 < n && text.charCodeAt(i + 1) !== LF) i++;
      continue;
    }
    if (c === DQ || c === SQ) quote = c;
    else if (c === OPEN_SQ || c === OPEN_CURLY) flow++;
    else if ((c === CLOSE_SQ || c === CLOSE_CURLY) && flow > 0) flow--;
    if (flow + block > limit) return { depth: flow + block, offset: i };
  }
  return undefined;
}

const isBlank = (c: number) => c === SPACE || c === TAB || c === LF || c === CR;
