import * as jsYaml from 'js-yaml';
import { LineCounter, parseAllDocuments, YAMLParseError } from 'yaml';
import { decodeUtf8 } from './decode-utf8.js';
import type { FileIssue } from './issue.js';
import { parseLimits } from './limits.js';

export interface ParsedFile {
  /** Decoded text, kept so that later checks can locate nodes; undefined when undecodable. */
  text?: string;
  /** One entry per YAML document; undefined where the document could not be parsed. */
  docs: unknown[];
  issues: FileIssue[];
}

// An alias is `*name` after whitespace or a flow indicator; a false positive only costs the slow path.
const MAYBE_ALIAS = /(?:^|[\s,[{:-])\*[^\s,[\]{}*]/m;

/**
 * Parses every document of one file. The fast path is js-yaml (measured about five times faster
 * than the `yaml` package on a data center's worth of files; see README). Files that js-yaml
 * rejects, or that use aliases, go through the `yaml` package, which reports every error (not just
 * the first) with its position and caps alias expansion.
 */
export function parseFile(bytes: Uint8Array): ParsedFile {
  if (bytes.byteLength > parseLimits.maxFileBytes) {
    return {
      docs: [],
      issues: [{
        line: 1, column: 1, rule: 'file.too-large',
        message: `file is ${bytes.byteLength} bytes, over the limit of ${parseLimits.maxFileBytes} (CAIRN_MAX_FILE_BYTES); split it into several files`,
      }],
    };
  }
  const decoded = decodeUtf8(bytes);
  if ('issue' in decoded) return { docs: [], issues: [decoded.issue] };
  const text = decoded.text.charCodeAt(0) === 0xfeff ? decoded.text.slice(1) : decoded.text;
  if (!MAYBE_ALIAS.test(text)) {
    try {
      return { text, docs: jsYaml.loadAll(text, null, { schema: jsYaml.CORE_SCHEMA }) as unknown[], issues: [] };
    } catch {
      // Fall through: the careful parser reports every problem with its position.
    }
  }
  return parseCarefully(text);
}

function parseCarefully(text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const issues: FileIssue[] = [];
  const docs: unknown[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(parsed)) return { text, docs, issues }; // an empty stream
  for (const doc of parsed) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) issues.push(toIssue(err, text, lineCounter));
      docs.push(undefined);
      continue;
    }
    try {
      docs.push(doc.toJS({ maxAliasCount: parseLimits.maxAliasCount }));
    } catch (err) {
      // Point at the document's content, not at the `---` that opens it.
      const { line, col } = lineCounter.linePos(doc.contents?.range?.[0] ?? doc.range[0]);
      issues.push({
        line, column: col, rule: 'yaml.alias-limit',
        message: `document expands aliases too much (more than ${parseLimits.maxAliasCount} per document, CAIRN_MAX_ALIAS_COUNT): refused as a possible alias bomb (${(err as Error).message.split('\n')[0]})`,
      });
      docs.push(undefined);
    }
  }
  return { text, docs, issues };
}

function toIssue(err: YAMLParseError, text: string, lines: LineCounter): FileIssue {
  const { line, col } = lines.linePos(err.pos[0]);
  const first = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (err.code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(err.pos[0]))?.[0].trim().replace(/^["']|["']$/g, '');
    return { line, column: col, rule: 'yaml.duplicate-key', message: `duplicate key "${key}": a key may appear only once in a mapping` };
  }
  return { line, column: col, rule: 'yaml.syntax', message: `YAML syntax error: ${first}` };
}
