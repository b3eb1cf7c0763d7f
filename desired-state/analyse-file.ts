import type { BlobEntry } from './cache/desired-state-cache.js';
import { SourceLocator } from './parse/locate.js';
import { parseFile } from './parse/parse-file.js';
import type { SchemaRegistry } from './validate/schema-registry.js';
import { validateDocument, type DocRecord } from './validate/validate-document.js';

/**
 * Everything that can be said about one file on its own: its documents and the issues found in
 * them, already positioned. Depends only on the bytes, so it is cached by git blob id.
 */
export function analyseFile(raw: Uint8Array, registry: SchemaRegistry): BlobEntry {
  const parsed = parseFile(raw);
  const docs: DocRecord[] = [];
  parsed.docs.forEach((d, i) => {
    const rec = validateDocument(d, i, registry);
    if (rec) docs.push(rec);
  });
  const issues = [...parsed.issues];
  const withIssues = docs.filter((d) => d.issues.length > 0);
  if (withIssues.length > 0 && parsed.text !== undefined) {
    const locator = new SourceLocator(parsed.text);
    for (const d of withIssues) {
      for (const i of d.issues) {
        issues.push({ ...locator.locate(d.index, i.path, i.target), kind: d.kind, name: d.name, rule: i.rule, message: i.message });
      }
      d.issues = [];
    }
  }
  return { docs, issues, bytes: raw.byteLength };
}
