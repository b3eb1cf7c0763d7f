/**
 * How errors are reported as a whole: every error of a revision (not only the first), sorted by
 * file, line and column whichever phase found them, each with its kind and name.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { exampleFiles, lines, loadFiles, positionOf, removeTempDirs, replaceOnce } from '../support/desired-state-repo.js';

afterAll(removeTempDirs);

const place = (e: { file: string; line: number; column: number; rule: string }) => `${e.file}:${e.line}:${e.column} ${e.rule}`;

describe('all errors are reported', () => {
  it('gives three errors for a file with three independent mistakes, in line order', async () => {
    const file = 'tenants/acme/three.yaml';
    const result = await loadFiles({
      ...exampleFiles(),
      [file]: lines(
        'apiVersion: cairn.dev/v1',
        'kind: AffinityGroup',
        'metadata: { name: g1, account: acme }',
        'spec: { type: nearby }',
        '---',
        'apiVersion: cairn.dev/v1',
        'kind: AffinityGroup',
        'metadata: { name: g2, account: acmee }',
        'spec: { type: host-affinity }',
        '---',
        'apiVersion: cairn.dev/v1',
        'kind: VirtualMachine',
        'metadata: { name: web-9, account: acme }',
        'spec: { zone: zone9, serviceOffering: small, template: debian-12, networks: [ { network: web-net } ] }',
      ),
    });
    expect(result.valid).toBe(false);
    expect(result.errors.map(place)).toEqual([
      `${file}:4:15 schema.enum`,
      `${file}:8:32 tenant.unknown`,
      `${file}:14:15 ref.unresolved`,
    ]);
    expect(result.errors.map((e) => `${e.kind}/${e.name}`)).toEqual(['AffinityGroup/g1', 'AffinityGroup/g2', 'VirtualMachine/web-9']);
  });
});

describe('errors are sorted', () => {
  it('by file, then line, then column, interleaving single-document and cross-document findings', async () => {
    const files = exampleFiles();
    const VMS = 'tenants/acme/vms.yaml';
    let vms = files[VMS]!;
    vms = replaceOnce(vms, 'affinityGroups: [web-spread]\n  rootDiskGiB', 'affinityGroups: [web-sprad]\n  rootDiskGiB'); // web-1: ref.unresolved
    vms = replaceOnce(vms, 'affinityGroups: [web-spread]\n  state: Running', 'affinityGroups: [web-spread]\n  state: Runing'); // web-2: schema.enum
    vms = replaceOnce(vms, 'ip: 10.1.1.20 }', 'ip: 10.1.1.10 }'); // db-1: address.ip-duplicate
    files[VMS] = vms;
    files['catalog/offerings.yaml'] = replaceOnce(files['catalog/offerings.yaml']!, 'spec: { sizeGiB: 50 }', 'spec: { sizeGiB: fifty }');
    files['infrastructure/zone1.yaml'] = replaceOnce(files['infrastructure/zone1.yaml']!, 'vlanRange: 100-200', 'vlanRange: 200-100');
    // Same line, two columns: the two unknown keys of one flow mapping.
    files['tenants/acme/network.yaml'] = replaceOnce(files['tenants/acme/network.yaml']!, 'spec: { network: web-net, protocol: all', 'spec: { netwrk: web-net, protocol: all, color: red');

    const result = await loadFiles(files);
    const pos = (file: string, needle: string, n = 1) => {
      const p = positionOf(files[file]!, needle, n);
      return `${file}:${p.line}:${p.column}`;
    };
    expect(result.errors.map(place)).toEqual([
      `${pos('catalog/offerings.yaml', 'fifty')} schema.type`,
      `${pos('infrastructure/zone1.yaml', '200-100')} schema.format`,
      `${pos('tenants/acme/network.yaml', 'netwrk')} schema.unknown-field`,
      `${pos('tenants/acme/network.yaml', 'color')} schema.unknown-field`,
      `${pos(VMS, 'web-sprad')} ref.unresolved`,
      `${pos(VMS, 'Runing')} schema.enum`,
      `${pos(VMS, '10.1.1.10', 2)} address.ip-duplicate`,
    ]);
  });
});
