import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../desired-state/load.js';
import { exampleDatacenterDir, exampleDatacenterFiles } from '../../desired-state/example-datacenter.js';
import type { ValidationIssue } from '../../desired-state/model.js';
import { parseFile } from '../../desired-state/parse/parse-file.js';
import { schemaRegistry } from '../../desired-state/validate/schema-registry.js';

/*
 * Any byte string as a desired-state file yields errors or documents: never an exception, never a
 * hang, and every error is positioned inside the file with a rule and a message. Checked on
 * parseFile alone and on the whole loader (worktree mode, one file in a temp folder).
 *
 * Inputs: random bytes; "near-YAML" (random mixes of YAML's indicators, anchors, aliases, quotes,
 * tabs, indentation, directives, document markers, non-UTF-8 bytes and fragments of cairn documents);
 * and the example data center with some of its values replaced by values of any type.
 */

const enc = new TextEncoder();

const TOKENS = [
  ':', ': ', '-', '- ', '---', '--- ', '...', '&a ', '*a', '&b', '*b ', '*a\n', '[', ']', '{', '}', ',', ', ', '"', "'",
  '\t', '\n', '\n', '\n', '\r\n', '\r', '  ', '    ', ' ', '#', ' # c', '?', '? ', '|', '|-', '>', '>+2', '!', '!!str ', '!!int ',
  '!!binary ', '!!set ', '!x ', '%YAML 1.2\n', '%YAML 1.1\n', '%TAG ! tag:x.org,2000:\n', '<<: ', '\\', '\\x', 'key', 'a', 'x: y',
  '0x1F', '1e3', '~', 'null', 'true', '@', '`', '%', '"\\u00e9"', "'it''s'", 'apiVersion: cairn.dev/v1', 'kind: Zone',
  'kind: VirtualMachine', 'kind: Network', 'kind: Account', 'kind: Bogus', 'metadata:', 'metadata: {name: x, account: a}',
  'name: ', 'name: x', 'account: a', 'spec:', 'spec: {}', 'zone: z', 'cidr: ', '10.1.1.0/24', '10.1.1.10', 'networks: ',
  '\ufeff', '\u0000', '\u0085', '\u2028', '\u00a0', 'é', '😀', '\ud800',
];
/** Byte sequences that are not UTF-8: a lone continuation byte, a truncated sequence, an overlong form, a surrogate, past U+10FFFF. */
const BAD_BYTES = [[0xff], [0x80], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xff]].map((b) => new Uint8Array(b));

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};

const textPiece = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
);

/** Random mixes of YAML's punctuation and cairn's words, valid UTF-8. */
const nearYamlText = fc.array(textPiece, { maxLength: 400 }).map((parts) => parts.join(''));

/** Lines of `indent key: value`, which parse into documents more often than a random mix. */
const linesOfYaml = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.array(textPiece, { minLength: 1, maxLength: 4 }), fc.constantFrom(': ', ':', ' ', '- ', ': &a ', ': *a ', ': [', ': {', ': |\n  ')), { maxLength: 60 })
  .map((lines) => lines.map(([indent, key, sep]) => `${' '.repeat(indent)}${key.join('')}${sep}${key.slice(1).join('')}`).join('\n'));

const bytesOf = (text: fc.Arbitrary<string>) => text.map((t) => enc.encode(t));

/** Near-YAML with a few non-UTF-8 bytes spliced in at random places. */
const nearYamlWithBadBytes = fc
  .tuple(fc.array(textPiece, { maxLength: 200 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...BAD_BYTES)), { minLength: 1, maxLength: 3 }))
  .map(([parts, bad]) => {
    const pieces = parts.map((p) => enc.encode(p));
    for (const [at, b] of bad) pieces.splice(at % (pieces.length + 1), 0, b);
    return concat(pieces);
  });

const anyFile = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 4096 }) },
  { weight: 4, arbitrary: bytesOf(nearYamlText) },
  { weight: 3, arbitrary: bytesOf(linesOfYaml) },
  { weight: 1, arbitrary: nearYamlWithBadBytes },
);

/** Lines as `yaml` and the loader count them: LF ends a line. */
const lineLengths = (text: string) => text.split('\n').map((l) => l.length);

/** Every issue: positive integer line and column, a rule, a message. */
function expectWellFormed(issues: readonly Omit<ValidationIssue, 'file'>[]): void {
  for (const i of issues) {
    expect(Number.isInteger(i.line) && i.line >= 1, `line of ${JSON.stringify(i)}`).toBe(true);
    expect(Number.isInteger(i.column) && i.column >= 1, `column of ${JSON.stringify(i)}`).toBe(true);
    expect(typeof i.rule === 'string' && i.rule.length > 0, `rule of ${JSON.stringify(i)}`).toBe(true);
    expect(typeof i.message === 'string' && i.message.trim().length > 0, `message of ${JSON.stringify(i)}`).toBe(true);
  }
}

/** Every issue points at a place that exists: its line is in the file and its column at most one past the line's end. */
// Line breaks as YAML counts them: CR LF, LF, and a lone CR.
function expectInsideFile(issues: readonly Omit<ValidationIssue, 'file'>[], bytes: Uint8Array): void {
  const lines = new TextDecoder().decode(bytes).split(/\r\n|\r|\n/).map((l) => l.length);
  for (const i of issues) {
    expect(i.line, `line inside the file: ${JSON.stringify(i)}`).toBeLessThanOrEqual(lines.length);
    expect(i.column, `column inside its line: ${JSON.stringify(i)}`).toBeLessThanOrEqual(lines[i.line - 1]! + 1);
  }
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-prop-'));
  schemaRegistry(); // compile the schemas once, outside the timed runs
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Loads `bytes` as the only file of a working tree; returns the result and how long it took. */
async function loadOne(bytes: Uint8Array, name = 'f.yaml') {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, name), bytes);
  const t0 = performance.now();
  const result = await loadDesiredState({ repo: dir, worktree: true, stateDir: false });
  return { result, ms: performance.now() - t0 };
}

function checkLoad(result: Awaited<ReturnType<typeof loadOne>>['result'], bytes: Uint8Array): void {
  expect(result.valid).toBe(result.errors.length === 0);
  for (const e of result.errors) expect(e.file).toBe('f.yaml');
  expectWellFormed(result.errors);
  for (const r of result.model.resources) expect(r.source.file).toBe('f.yaml');
}

/** Every run must finish well within this; a hang shows up as a test timeout instead. */
const RUN_BUDGET_MS = 2_000;

describe('any byte string as a YAML file', () => {
  it('parseFile returns documents or positioned issues, never throws', () => {
    let slowest = 0;
    fc.assert(
      fc.property(anyFile, (bytes) => {
        const t0 = performance.now();
        const r = parseFile(bytes);
        slowest = Math.max(slowest, performance.now() - t0);
        expect(Array.isArray(r.docs)).toBe(true);
        if (r.issues.length === 0) expect(r.text).toBeDefined();
        expectWellFormed(r.issues);
      }),
      { numRuns: 200 },
    );
    expect(slowest).toBeLessThan(RUN_BUDGET_MS);
  }, 20_000);

  it('the loader returns a verdict with positioned errors, never throws', async () => {
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(anyFile, async (bytes) => {
        const { result, ms } = await loadOne(bytes);
        slowest = Math.max(slowest, ms);
        checkLoad(result, bytes);
      }),
      { numRuns: 200 },
    );
    expect(slowest).toBeLessThan(RUN_BUDGET_MS);
  }, 30_000);

  it('the same bytes give the same verdict twice (no state carried between loads)', async () => {
    await fc.assert(
      fc.asyncProperty(anyFile, async (bytes) => {
        const a = await loadOne(bytes);
        const b = await loadOne(bytes);
        expect(b.result.errors).toEqual(a.result.errors);
      }),
      { numRuns: 30 },
    );
  }, 20_000);

  // KNOWN BUG (desired-state/parse/parse-file.ts toIssue, and parse/locate.ts pos): positions come
  // from the `yaml` LineCounter, which misses the line breaks that the lexer folds into an error
  // token. In the example the error at offset 22 (line 3, column 8) is reported at 2:9, a column past
  // the end of line 2. Counting the line breaks before the offset in the text itself is exact.
  it('every issue points inside the file', () => {
    fc.assert(
      fc.property(anyFile, (bytes) => expectInsideFile(parseFile(bytes).issues, bytes)),
      { numRuns: 200, examples: [[enc.encode(':\u0000: *a \u0000\n :: \n>+2key: key')], [enc.encode(':\u{1F600}: *a \u{1F600}\n :: {')]] },
    );
  });
});

describe('what an issue says', () => {
  // KNOWN BUG (desired-state/parse/parse-file.ts parseCarefully): every exception of toJS() is
  // reported as `yaml.alias-limit` "refused as a possible alias bomb", at the document's start; an
  // alias to an anchor that does not exist (or that is in another document: anchors are per
  // document) is a plain mistake and deserves its own rule, on the alias.
  it('an alias to an undefined anchor is not called an alias bomb', () => {
    for (const text of ['a: *nowhere\n', 'a: &x 1\n---\nb: *x\n']) {
      const { issues } = parseFile(enc.encode(text));
      expect(issues).toHaveLength(1);
      expect(issues[0]!.rule).not.toBe('yaml.alias-limit');
      expect(issues[0]!.message).not.toMatch(/alias bomb/);
    }
  });

  // KNOWN BUG (desired-state/parse/parse-file.ts): an alias inside its own anchor (`&m {labels: *m}`)
  // makes the `yaml` package build a circular object, which parseFile returns as a document. The
  // loader then throws: validate-document.ts JSON.stringify()s a circular apiVersion ("Converting
  // circular structure to JSON"), and the blob cache (cache/desired-state-cache.ts putBlob, msgpackr)
  // overflows the stack on any circular document. parseFile should refuse it as a YAML error.
  it('a recursive alias is an issue, not a circular document', async () => {
    const texts = [
      'apiVersion: cairn.dev/v1\nkind: Zone\nmetadata: &m {name: z, labels: *m}\nspec: {networkType: Advanced}\n',
      'apiVersion: &v [*v]\nkind: Zone\nmetadata: {name: z}\nspec: {networkType: Advanced}\n',
    ];
    for (const text of texts) {
      const parsed = parseFile(enc.encode(text));
      expect(parsed.issues.map((i) => i.rule)).toEqual([expect.stringMatching(/^yaml\./)]);
      const state = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-state-'));
      try {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, 'f.yaml'), text);
        const result = await loadDesiredState({ repo: dir, worktree: true, stateDir: state });
        expect(result.valid).toBe(false);
      } finally {
        fs.rmSync(state, { recursive: true, force: true });
      }
    }
  });

  it('an alias bomb is refused with yaml.alias-limit', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const { issues, docs } = parseFile(enc.encode(`${lines.join('\n')}\n`));
    expect(docs).toEqual([undefined]);
    expect(issues).toEqual([expect.objectContaining({ line: 1, column: 1, rule: 'yaml.alias-limit' })]);
  });
});

/*
 * The example data center with a few of its values replaced by values of any type, or removed: what
 * a user gets by typing a list where a string goes. The references still resolve, so the
 * cross-document checks run on every shape of value (the loader keeps schema-invalid documents for
 * them, so that a reference to a broken document does not cascade into "not found").
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const exampleDocs: Json[] = exampleDatacenterFiles().flatMap((rel) =>
  parseAllDocuments(fs.readFileSync(path.join(exampleDatacenterDir(), rel), 'utf8')).map((d) => d.toJS() as Json),
);

/** Every path to a value inside the documents' metadata and spec. */
function pathsOf(node: Json, at: (string | number)[], out: (string | number)[][]): void {
  if (at.length > 1) out.push(at);
  if (Array.isArray(node)) node.forEach((v, i) => pathsOf(v, [...at, i], out));
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) if (at.length > 0 || k === 'spec' || k === 'metadata') pathsOf(v, [...at, k], out);
}
const examplePaths: (string | number)[][] = [];
exampleDocs.forEach((d, i) => pathsOf(d, [i], examplePaths));

const anyValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Json>('zone1', 'pod1', 'c1', 'h1', 'small', 'debian-12', 'acme', 'web-net', 'web-1', '10.1.1.0/24', '10.1.1.10', '100-200', 'auto', 0, -1, 4095, 1.5, true, null, [], {}, [null], ['x'], [1], { x: 1 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
);
const mutation = fc.record({ path: fc.constantFrom(...examplePaths), value: fc.option(anyValue, { freq: 5 }) });

function mutate(docs: Json[], path: (string | number)[], value: Json | null): void {
  let node: any = docs;
  for (const seg of path.slice(0, -1)) node = node?.[seg];
  if (!node || typeof node !== 'object') return;
  const last = path.at(-1)!;
  if (value === null && !Array.isArray(node)) delete node[last];
  else node[last] = structuredClone(value); // a copy: later mutations must not edit the shared constants
}

const mutatedExample = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => {
  const docs = structuredClone(exampleDocs);
  for (const m of ms) mutate(docs, m.path, m.value);
  return enc.encode(docs.map((d) => stringify(d)).join('---\n'));
});

/** The example's Zone with publicIpRanges a string (checkPublicIps once called .forEach on it). */
const KNOWN_CRASHER = (() => {
  const docs = structuredClone(exampleDocs);
  const zone = docs.findIndex((d) => (d as { kind?: string }).kind === 'Zone');
  mutate(docs, [zone, 'spec', 'publicIpRanges'], 'none');
  return enc.encode(docs.map((d) => stringify(d)).join('---\n'));
})();

describe('the example data center with values of any type', () => {
  it('parseFile never throws on it', () => {
    fc.assert(fc.property(mutatedExample, (bytes) => expectWellFormed(parseFile(bytes).issues)), { numRuns: 100 });
  });

  // The cross-document checks once assumed schema types on documents that failed their schema and
  // threw TypeError (address-check.ts on a Zone whose publicIpRanges is a string, vlan-check.ts,
  // capacity-check.ts); the example keeps that case in every run.
  it('the loader never throws on it', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedExample, async (bytes) => {
        const { result } = await loadOne(bytes);
        checkLoad(result, bytes);
      }),
      { numRuns: 150, examples: [[KNOWN_CRASHER]] },
    );
  }, 30_000);
});
