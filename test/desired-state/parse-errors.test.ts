/**
 * File-level rules: what stops a file from turning into documents (size, encoding, YAML syntax,
 * duplicate keys, alias bombs). Each test adds one bad file to the valid example data center.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseLimits } from '../../desired-state/parse/limits.js';
import { exampleFiles, lines, loadFiles, removeTempDirs } from '../support/desired-state-repo.js';
import { expectIssues, expectOneIssue } from '../support/expect-issues.js';

afterAll(removeTempDirs);

const GROUP = 'tenants/acme/groups.yaml';
const withFile = (file: string, content: string | Uint8Array) => ({ ...exampleFiles(), [file]: content });

describe('the example data center', () => {
  it('loads without a single error', async () => {
    const result = await loadFiles(exampleFiles());
    expectIssues(result, []);
    expect(result.stats.files).toBe(5);
    expect(result.model.resources.length).toBe(result.stats.documents);
  });
});

describe('yaml.syntax', () => {
  it('points at the offending character', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata:',
      '  name: g1',
      '  account: acme',
      'spec:',
      '  type: @host-affinity',
    )));
    expectOneIssue(result, { file: GROUP, line: 7, column: 9, rule: 'yaml.syntax', message: ['YAML syntax error', 'reserved character @'] });
  });

  it('reports every broken document of a file and still checks the intact ones', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata: { name: g1, account: acme }',
      'spec: { type: @host-affinity }',
      '---',
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata: { name: g2, account: acme }',
      'spec: { type: host-affinity, }}',
      '---',
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata: { name: g3, account: acme }',
      'spec: { type: host-afinity }',
    )));
    expectIssues(result, [
      { file: GROUP, line: 4, column: 15, rule: 'yaml.syntax', message: 'reserved character @' },
      { file: GROUP, line: 9, column: 31, rule: 'yaml.syntax' },
      { file: GROUP, line: 14, column: 15, rule: 'schema.enum', message: ['host-affinity, host-anti-affinity', 'did you mean host-affinity?'] },
    ]);
  });
});

describe('yaml.duplicate-key', () => {
  it('points at the second occurrence of the key in a block mapping', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata:',
      '  name: g1',
      '  account: acme',
      '  name: g2',
      'spec: { type: host-affinity }',
    )));
    expectOneIssue(result, { file: GROUP, line: 6, column: 3, rule: 'yaml.duplicate-key', message: 'duplicate key "name"' });
  });

  it('points at the second occurrence of the key in a flow mapping', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata: { name: g1, account: acme }',
      'spec: { type: host-affinity, type: host-anti-affinity }',
    )));
    expectOneIssue(result, { file: GROUP, line: 4, column: 30, rule: 'yaml.duplicate-key', message: 'duplicate key "type"' });
  });
});

describe('file.encoding', () => {
  const text = (s: string) => new TextEncoder().encode(s);
  const concat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };

  it('gives the line and column of the first byte that is not UTF-8 (Latin-1 é)', async () => {
    const bytes = concat(
      text('apiVersion: cairn.dev/v1\nkind: AffinityGroup\nmetadata:\n  name: caf'),
      Uint8Array.of(0xe9),
      text('\n  account: acme\nspec: { type: host-affinity }\n'),
    );
    expectOneIssue(await loadFiles(withFile(GROUP, bytes)), {
      file: GROUP, line: 4, column: 12, rule: 'file.encoding', message: ['byte 0xe9', 'offset 66', 'UTF-8'],
    });
  });

  it('counts the column in characters, not bytes, when valid multi-byte characters precede the bad byte', async () => {
    const bytes = concat(text('# Grüße\napiVersion: cairn.dev/v1\nkind: AffinityGroup\nmetadata: { name: g1, account: acme, labels: { team: "äö'), Uint8Array.of(0xff), text('" } }\n'));
    // Line 4 is `metadata: { name: g1, account: acme, labels: { team: "äö`: 56 characters (58 bytes) before the bad byte.
    expectOneIssue(await loadFiles(withFile(GROUP, bytes)), { file: GROUP, line: 4, column: 57, rule: 'file.encoding', message: 'byte 0xff' });
  });

  it('reports a truncated multi-byte sequence at the end of the file', async () => {
    const bytes = concat(text('apiVersion: cairn.dev/v1\n# '), Uint8Array.of(0xe2, 0x82));
    expectOneIssue(await loadFiles(withFile(GROUP, bytes)), { file: GROUP, line: 2, column: 3, rule: 'file.encoding', message: 'byte 0xe2' });
  });

  it('does not stop the other files from being checked', async () => {
    const files = withFile(GROUP, concat(text('kind: '), Uint8Array.of(0xc0, 0xaf), text('\n')));
    files['tenants/acme/other.yaml'] = lines('apiVersion: cairn.dev/v1', 'kind: AffinityGroup', 'metadata: { name: g2, account: acme }', 'spec: { type: nearby }');
    expectIssues(await loadFiles(files), [
      { file: GROUP, line: 1, column: 7, rule: 'file.encoding', message: 'byte 0xc0' },
      { file: 'tenants/acme/other.yaml', line: 4, column: 15, rule: 'schema.enum' },
    ]);
  });
});

describe('yaml.alias-limit', () => {
  // Nine levels of ten aliases each: a billion "lol"s if expanded.
  const bomb = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (const [prev, next] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g'], ['g', 'h'], ['h', 'i']] as const) {
    bomb.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`);
  }

  const bombFile = () => withFile(GROUP, lines(
    'apiVersion: cairn.dev/v1',
    'kind: AffinityGroup',
    'metadata: { name: g1, account: acme }',
    'spec: { type: host-affinity }',
    '---',
    ...bomb,
  ));

  it('refuses a "billion laughs" document and returns (it does not expand it)', async () => {
    const result = await loadFiles(bombFile());
    expect(result.errors.map((e) => `${e.file} ${e.rule}`)).toEqual([`${GROUP} yaml.alias-limit`]);
    expect(result.errors[0]!.message).toContain('alias bomb');
    expect(result.errors[0]!.message).toContain('CAIRN_MAX_ALIAS_COUNT');
    // The intact first document of the file is still part of the model.
    expect(result.model.resources.some((r) => r.kind === 'AffinityGroup' && r.name === 'g1')).toBe(true);
  });

  // The document's first node (line 6), not its `---` marker (line 5).
  it('points at the first node of the refused document', async () => {
    expectOneIssue(await loadFiles(bombFile()), { file: GROUP, line: 6, column: 1, rule: 'yaml.alias-limit' });
  });

  it('accepts honest reuse of an anchor', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata: { name: g1, account: acme, labels: &team { team: web }, annotations: *team }',
      'spec: { type: host-affinity }',
    )));
    expectIssues(result, []);
    const g1 = result.model.resources.find((r) => r.name === 'g1')!;
    expect(g1.doc.metadata.annotations).toEqual({ team: 'web' });
  });

  it('still positions schema errors exactly in a file that uses aliases', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata: { name: g1, account: acme, labels: &team { team: web }, annotations: *team }',
      'spec: { type: host-affinity, size: 3 }',
    )));
    expectOneIssue(result, { file: GROUP, line: 4, column: 30, rule: 'schema.unknown-field', message: 'unknown field "size"' });
  });
});

describe('file.too-large', () => {
  it('refuses a file over parseLimits.maxFileBytes before parsing it, and accepts one exactly at the limit', async () => {
    const files = exampleFiles();
    const limit = Math.max(...Object.values(files).map((t) => Buffer.byteLength(t)));
    const atLimit = `# ${'x'.repeat(limit - 3)}\n`;
    const overLimit = `# ${'x'.repeat(limit - 2)}\n`;
    expect(Buffer.byteLength(atLimit)).toBe(limit);
    const saved = parseLimits.maxFileBytes;
    parseLimits.maxFileBytes = limit;
    try {
      const result = await loadFiles({ ...files, 'notes/at-limit.yaml': atLimit, 'notes/too-big.yaml': overLimit });
      expectOneIssue(result, {
        file: 'notes/too-big.yaml', line: 1, column: 1, rule: 'file.too-large',
        message: [`file is ${limit + 1} bytes, over the limit of ${limit}`, 'CAIRN_MAX_FILE_BYTES'],
      });
    } finally {
      parseLimits.maxFileBytes = saved;
    }
  });
});

describe('files that are not YAML documents of the data center', () => {
  it('ignores empty documents, comment-only files and files outside YAML or in dot folders', async () => {
    const result = await loadFiles({
      ...exampleFiles(),
      'notes/empty.yaml': '',
      'notes/comments.yml': '# nothing here yet\n---\n---\n',
      'notes/readme.md': 'kind: Nonsense\n',
      '.github/workflow.yaml': 'on: [push]\n',
    });
    expectIssues(result, []);
  });

  it('positions errors in a file with CRLF line ends and a UTF-8 byte order mark', async () => {
    const crlf = '\ufeffapiVersion: cairn.dev/v1\r\nkind: AffinityGroup\r\nmetadata:\r\n  name: g1\r\n  account: acme\r\nspec: { type: host-affinity, sise: 2 }\r\n';
    const result = await loadFiles(withFile(GROUP, crlf));
    expectOneIssue(result, { file: GROUP, line: 6, column: 30, rule: 'schema.unknown-field', message: 'unknown field "sise"' });
  });

  it('does not count a byte order mark as a column', async () => {
    const result = await loadFiles(withFile(GROUP, '\ufeffkind: AffinityGroupp\napiVersion: cairn.dev/v1\n'));
    expectOneIssue(result, { file: GROUP, line: 1, column: 7, rule: 'kind.unknown', message: 'did you mean AffinityGroup?' });
  });
});
