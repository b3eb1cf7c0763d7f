import type { FileIssue } from './issue.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes UTF-8 strictly; on a bad byte, says where it is instead of silently replacing it. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { issue: FileIssue } {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    const { line, column } = lineColumnOfByte(bytes, offset);
    const hex = bytes[offset]?.toString(16).padStart(2, '0') ?? '??';
    return {
      issue: {
        line,
        column,
        rule: 'file.encoding',
        message: `not valid UTF-8: byte 0x${hex} at offset ${offset}; YAML files must be UTF-8`,
      },
    };
  }
}

function firstInvalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need = 0;
    let min = 0;
    if (c < 0x80) { i++; continue; }
    else if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return Math.max(0, b.length - 1);
}

function lineColumnOfByte(b: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  // Line breaks as YAML counts them: LF, CR LF, and a lone CR.
  for (let i = 0; i < offset; i++) {
    if (b[i] === 0x0a || (b[i] === 0x0d && b[i + 1] !== 0x0a)) { line++; lineStart = i + 1; }
  }
  // Column in characters of the valid prefix of the line, 1-based.
  const prefix = new TextDecoder('utf-8').decode(b.subarray(lineStart, offset));
  return { line, column: [...prefix].length + 1 };
}
