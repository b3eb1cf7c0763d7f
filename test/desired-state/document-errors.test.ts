/**
 * The envelope of a document: a mapping with apiVersion cairn.dev/v1 and a known kind. Each test
 * adds one file with one broken document (after a valid one, so positions are of the document's
 * own nodes, not of the file).
 */
import { afterAll, describe, it } from 'vitest';
import { exampleFiles, lines, loadFiles, removeTempDirs } from '../support/desired-state-repo.js';
import { expectIssues, expectOneIssue } from '../support/expect-issues.js';

afterAll(removeTempDirs);

const GROUP = 'tenants/acme/groups.yaml';
const withFile = (file: string, content: string) => ({ ...exampleFiles(), [file]: content });
/** A valid first document, lines 1-4, and the `---` of line 5. */
const VALID_FIRST = [
  'apiVersion: cairn.dev/v1',
  'kind: AffinityGroup',
  'metadata: { name: g1, account: acme }',
  'spec: { type: host-affinity }',
  '---',
];

describe('document.not-mapping', () => {
  it('points at the first node of a list document and of a scalar document', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      ...VALID_FIRST,
      '- just',
      '- a list',
      '---',
      'just a string',
    )));
    expectIssues(result, [
      { file: GROUP, line: 6, column: 1, rule: 'document.not-mapping', message: 'must be a mapping with apiVersion, kind, metadata and spec' },
      { file: GROUP, line: 9, column: 1, rule: 'document.not-mapping' },
    ]);
  });
});

describe('document.api-version', () => {
  it('points at a wrong apiVersion value, reported once', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      ...VALID_FIRST,
      'apiVersion: cairn.dev/v2',
      'kind: AffinityGroup',
      'metadata: { name: g2, account: acme }',
      'spec: { type: host-affinity }',
    )));
    expectOneIssue(result, { file: GROUP, line: 6, column: 13, rule: 'document.api-version', message: 'apiVersion must be cairn.dev/v1 (got "cairn.dev/v2")' });
  });

  it('points at the first key of a document without apiVersion, reported once', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      ...VALID_FIRST,
      '# a comment before the document',
      'kind: AffinityGroup',
      'metadata: { name: g2, account: acme }',
      'spec: { type: host-affinity }',
    )));
    expectOneIssue(result, { file: GROUP, line: 7, column: 1, rule: 'document.api-version', message: 'missing apiVersion' });
  });
});

describe('kind.missing', () => {
  it('points at the first key of a document without kind', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      ...VALID_FIRST,
      'apiVersion: cairn.dev/v1',
      'metadata: { name: g2, account: acme }',
      'spec: { type: host-affinity }',
    )));
    expectOneIssue(result, { file: GROUP, line: 6, column: 1, rule: 'kind.missing', message: ['missing kind', 'VirtualMachine'] });
  });

  it('points at a kind that is not a string', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      ...VALID_FIRST,
      'apiVersion: cairn.dev/v1',
      'kind: [AffinityGroup]',
      'metadata: { name: g2, account: acme }',
      'spec: { type: host-affinity }',
    )));
    expectOneIssue(result, { file: GROUP, line: 7, column: 7, rule: 'kind.missing', message: ['kind must be a string', 'got a list'] });
  });
});

describe('kind.unknown', () => {
  it('points at the kind and suggests the closest known kind', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      ...VALID_FIRST,
      'apiVersion: cairn.dev/v1',
      'kind: VirtualMachne',
      'metadata: { name: vm9, account: acme }',
      'spec: {}',
    )));
    expectOneIssue(result, {
      file: GROUP, line: 7, column: 7, rule: 'kind.unknown',
      message: ['unknown kind "VirtualMachne"', 'did you mean VirtualMachine?', 'known kinds: Zone, Pod'],
    });
  });

  it('suggests the right spelling when only the case differs', async () => {
    const result = await loadFiles(withFile(GROUP, lines(...VALID_FIRST, 'apiVersion: cairn.dev/v1', 'kind: affinitygroup', 'metadata: { name: g2, account: acme }')));
    expectOneIssue(result, { file: GROUP, line: 7, column: 7, rule: 'kind.unknown', message: 'did you mean AffinityGroup?' });
  });

  it('suggests nothing for a word that is close to no kind', async () => {
    const result = await loadFiles(withFile(GROUP, lines(...VALID_FIRST, 'apiVersion: cairn.dev/v1', 'kind: Kubernetes', 'metadata: { name: g2 }')));
    const [issue] = result.errors;
    expectOneIssue(result, { file: GROUP, line: 7, column: 7, rule: 'kind.unknown', message: 'unknown kind "Kubernetes"; known kinds' });
    if (issue!.message.includes('did you mean')) throw new Error(`unexpected suggestion: ${issue!.message}`);
  });
});
