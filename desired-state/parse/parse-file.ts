import * as jsYaml from 'js-yaml';
import { isAlias, parseAllDocuments, visit, type Alias, type Document, type YAMLParseError } from 'yaml';
import { LineIndex } from './line-index.js';
import { deepestNesting } from './nesting-depth.js';
import { YAML12_CORE_SCHEMA } from './yaml12-core-schema.js';
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
      return { text, docs: jsYaml.loadAll(text, null, { schema: YAML12_CORE_SCHEMA }) as unknown[], issues: [] };
    } catch {
      // Fall through: the careful parser reports every problem with its position.
    }
  }
  return parseCarefully(text);
}

function parseCarefully(text: string): ParsedFile {
  const lines = new LineIndex(text);
  // Only here: js-yaml copes with deep nesting (or throws), the careful parser can abort the process.
  const deep = deepestNesting(text, parseLimits.maxNesting);
  if (deep) {
    return {
      text,
      docs: [],
      issues: [{
        ...lines.position(deep.offset),
        rule: 'yaml.too-deep',
        message: `nesting deeper than ${parseLimits.maxNesting} levels (CAIRN_MAX_NESTING): refused; a data center's documents nest a handful of levels`,
      }],
    };
  }
  const issues: FileIssue[] = [];
  const docs: unknown[] = [];
  // `resolveKnownTags: false`: YAML 1.1 tags (!!set, !!omap, !!binary, !!timestamp) must not turn
  // into Sets, Maps, bytes or Dates, which no schema of cairn's describes.
  const parsed = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, resolveKnownTags: false });
  if (!Array.isArray(parsed)) return { text, docs, issues }; // an empty stream
  for (const doc of parsed) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) issues.push(toIssue(err, text, lines));
      docs.push(undefined);
      continue;
    }
    const unresolved = firstUnresolvedAlias(doc);
    if (unresolved) {
      issues.push({
        ...lines.position(unresolved.offset),
        rule: 'yaml.unknown-alias',
        message: `alias *${unresolved.name} refers to no anchor &${unresolved.name} before it in this document (anchors do not carry across documents)`,
      });
      docs.push(undefined);
      continue;
    }
    const recursive = firstRecursiveAlias(doc);
    if (recursive) {
      issues.push({
        ...lines.position(recursive.offset),
        rule: 'yaml.alias-cycle',
        message: `alias *${recursive.name} sits inside its own anchor &${recursive.name}: the document would contain itself`,
      });
      docs.push(undefined);
      continue;
    }
    const contentStart = doc.contents?.range?.[0] ?? doc.range[0];
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: parseLimits.maxAliasCount });
    } catch (err) {
      issues.push({
        ...lines.position(contentStart),
        rule: 'yaml.alias-limit',
        message: `document expands aliases too much (more than ${parseLimits.maxAliasCount} per document, CAIRN_MAX_ALIAS_COUNT): refused as a possible alias bomb (${(err as Error).message.split('\n')[0]})`,
      });
      docs.push(undefined);
      continue;
    }
    if (isCircular(value)) {
      issues.push({ ...lines.position(contentStart), rule: 'yaml.alias-cycle', message: 'an alias inside its own anchor makes the document contain itself: refused' });
      docs.push(undefined);
      continue;
    }
    docs.push(value);
  }
  return { text, docs, issues };
}

function firstUnresolvedAlias(doc: Document.Parsed): { name: string; offset: number } | undefined {
  return firstAlias(doc, (node) => node.resolve(doc) === undefined);
}

/** An alias inside the very node its anchor names: `&m {labels: *m}`. */
function firstRecursiveAlias(doc: Document.Parsed): { name: string; offset: number } | undefined {
  return firstAlias(doc, (node) => {
    const target = node.resolve(doc)?.range;
    const at = node.range?.[0];
    return !!target && at !== undefined && at >= target[0] && at < target[2];
  });
}

function firstAlias(doc: Document.Parsed, test: (node: Alias) => boolean): { name: string; offset: number } | undefined {
  let found: { name: string; offset: number } | undefined;
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && test(node)) {
        found = { name: node.source, offset: node.range?.[0] ?? 0 };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** True when a value contains itself (a recursive alias). */
function isCircular(value: unknown, ancestors = new Set<unknown>()): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (ancestors.has(value)) return true;
  ancestors.add(value);
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    if (isCircular(v, ancestors)) return true;
  }
  ancestors.delete(value);
  return false;
}

function toIssue(err: YAMLParseError, text: string, lines: LineIndex): FileIssue {
  const pos = lines.position(err.pos[0]);
  const first = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (err.code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(err.pos[0]))?.[0].trim().replace(/^["']|["']$/g, '');
    return { ...pos, rule: 'yaml.duplicate-key', message: `duplicate key "${key}": a key may appear only once in a mapping` };
  }
  return { ...pos, rule: 'yaml.syntax', message: `YAML syntax error: ${first}` };
}
