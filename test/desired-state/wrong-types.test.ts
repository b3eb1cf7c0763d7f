/**
 * The cross-document checks also run on documents the schema rejected, so a field of the wrong type
 * reaches them. It must come out as the schema's error on that field, and nothing else: not a
 * TypeError that aborts the whole load (`tags: 42` once did), nor a second, made-up finding.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { exampleEdit, loadFiles, removeTempDirs } from '../support/desired-state-repo.js';
import { expectOneIssue } from '../support/expect-issues.js';

afterAll(removeTempDirs);

const ZONE = 'infrastructure/zone1.yaml';
const OFFERINGS = 'catalog/offerings.yaml';

const cases: { what: string; file: string; from: string; to: string; needle: string; rule: string; message: string }[] = [
  { what: 'host tags that are a number', file: ZONE, from: '  tags: [ssd]\n  state', to: '  tags: 42\n  state', needle: '42', rule: 'schema.type', message: 'spec.tags must be array (got 42)' },
  { what: 'host tags that are a mapping', file: ZONE, from: '  tags: [ssd]\n  state', to: '  tags: { ssd: true }\n  state', needle: '{', rule: 'schema.type', message: 'spec.tags must be array' },
  { what: 'storage tags that are a number', file: ZONE, from: '  tags: [ssd]\n---', to: '  tags: 7\n---', needle: '7', rule: 'schema.type', message: 'spec.tags must be array' },
  { what: 'offering host tags that are a string', file: OFFERINGS, from: 'hostTags: [ssd]', to: 'hostTags: ssd', needle: 'ssd', rule: 'schema.type', message: 'spec.hostTags must be array' },
  { what: 'offering storage tags that are a number', file: OFFERINGS, from: 'storageTags: [ssd]', to: 'storageTags: 1', needle: '1', rule: 'schema.type', message: 'spec.storageTags must be array' },
  { what: 'public IP ranges that are a string', file: ZONE, from: 'publicIpRanges:\n    - { startIp: 192.168.2.2, endIp: 192.168.2.200, netmask: 255.255.255.0, gateway: 192.168.2.1, vlan: 50 }', to: 'publicIpRanges: none', needle: 'none', rule: 'schema.type', message: 'spec.publicIpRanges must be array' },
  { what: 'a public IP range that is null', file: ZONE, from: '- { startIp: 192.168.2.2, endIp: 192.168.2.200, netmask: 255.255.255.0, gateway: 192.168.2.1, vlan: 50 }', to: '- null', needle: 'null', rule: 'schema.type', message: 'spec.publicIpRanges[0] must be object' },
  { what: 'host cores that are a word', file: ZONE, from: '  cpuCores: 32\n', to: '  cpuCores: many\n', needle: 'many', rule: 'schema.type', message: 'spec.cpuCores must be integer' },
  { what: 'offering memory that is a word', file: OFFERINGS, from: 'memoryMiB: 8192', to: 'memoryMiB: lots', needle: 'lots', rule: 'schema.type', message: 'spec.memoryMiB must be integer' },
  { what: 'an overcommit ratio that is a word', file: ZONE, from: 'overcommit: { cpu: 2.0,', to: 'overcommit: { cpu: double,', needle: 'double', rule: 'schema.type', message: 'spec.overcommit.cpu must be number' },
];

describe('a field of the wrong type gives the schema error alone', () => {
  for (const c of cases) {
    it(c.what, async () => {
      const edit = exampleEdit(c.file, c.from, c.to);
      const result = await loadFiles(edit.files);
      expectOneIssue(result, { file: c.file, ...edit.at(c.needle), rule: c.rule, message: c.message });
    });
  }

  it('physical networks that are a number: the schema error, and an explicit VLAN then lies in no declared range', async () => {
    const edit = exampleEdit(ZONE, 'physicalNetworks:\n    - name: pnet0\n      isolation: VLAN              # VLAN | VXLAN | L3\n      vlanRange: 100-200\n      trafficTypes: [Guest, Management, Public]', 'physicalNetworks: 3');
    const files = { ...edit.files, 'tenants/acme/network.yaml': edit.files['tenants/acme/network.yaml']!.replace('vlan: auto', 'vlan: 150') };
    const result = await loadFiles(files);
    expect(result.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.rule}`)).toEqual([
      `${ZONE}:${edit.at('3').line}:${edit.at('3').column} schema.type`,
      'tenants/acme/network.yaml:11:9 vlan.out-of-range',
    ]);
    expect(result.errors[1]!.message).toContain('(none declared)');
  });
});
