/**
 * What the kind's JSON Schema rejects, translated into one message per real problem, each on the
 * offending node: the value, or the key for unknown and missing fields.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { exampleEdit, exampleFiles, exampleWith, lines, loadFiles, positionAtOffset, removeTempDirs } from '../support/desired-state-repo.js';
import { expectIssues, expectOneIssue } from '../support/expect-issues.js';

afterAll(removeTempDirs);

const VMS = 'tenants/acme/vms.yaml';
const NETWORK = 'tenants/acme/network.yaml';
const ZONE = 'infrastructure/zone1.yaml';
const GROUP = 'tenants/acme/groups.yaml';
const withFile = (file: string, content: string) => ({ ...exampleFiles(), [file]: content });

/** Loads the example with one edit and expects exactly one error, on the first `needle` inside the replacement. */
async function expectEditError(file: string, from: string, to: string, needle: string, rule: string, message: (string | RegExp)[]) {
  const edit = exampleEdit(file, from, to);
  return expectOneIssue(await loadFiles(edit.files), { file, ...edit.at(needle), rule, message });
}

describe('schema.unknown-field', () => {
  it('points at the misspelt key, suggests the field and lists the allowed ones, without a second error for the "missing" field', async () => {
    const issue = await expectEditError(VMS, '  serviceOffering: large-ssd', '  servceOffering: large-ssd', 'servceOffering', 'schema.unknown-field', [
      'unknown field "servceOffering" in spec',
      '(did you mean serviceOffering?)',
      /allowed fields: displayName, zone, serviceOffering, template, .*networks/,
    ]);
    expect(issue.kind).toBe('VirtualMachine');
    expect(issue.name).toBe('db-1');
  });

  it('points at an unknown key inside a list item written as a flow mapping', async () => {
    await expectEditError(VMS, '{ network: web-net, ip: 10.1.1.10 }', '{ network: web-net, ip: 10.1.1.10, mac: "02:00:00:00:00:01" }', 'mac:', 'schema.unknown-field', [
      'unknown field "mac" in spec.networks[0]',
      'allowed fields: network, ip',
    ]);
  });

  it('points at a misspelt metadata key', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata:',
      '  name: g1',
      '  account: acme',
      '  lables: { team: web }',
      'spec: { type: host-affinity }',
    )));
    expectOneIssue(result, { file: GROUP, line: 6, column: 3, rule: 'schema.unknown-field', message: ['in metadata (did you mean labels?)', 'allowed fields: name, account, project, labels, annotations'] });
  });

  it('points at a misspelt top-level key, and does not also report the section as missing', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata: { name: g1, account: acme }',
      'specs: { type: host-affinity }',
    )));
    expectOneIssue(result, { file: GROUP, line: 4, column: 1, rule: 'schema.unknown-field', message: ['unknown field "specs" in the document (did you mean spec?)', 'allowed fields: apiVersion, kind, metadata, spec'] });
  });
});

describe('schema.required', () => {
  it('points at the key of the mapping that lacks the field', async () => {
    const result = await loadFiles(withFile('infrastructure/h5.yaml', lines(
      'apiVersion: cairn.dev/v1',
      'kind: Host',
      'metadata:',
      '  name: h5',
      'spec:',
      '  cluster: c2',
      '  cpuCores: 16',
      '  cpuMhz: 2000',
      '  memoryMiB: 65536',
    )));
    expectOneIssue(result, { file: 'infrastructure/h5.yaml', line: 5, column: 1, rule: 'schema.required', message: 'missing required field "url" in spec' });
  });

  it('points at metadata when the name is missing', async () => {
    const result = await loadFiles(withFile(GROUP, lines(
      'apiVersion: cairn.dev/v1',
      'kind: AffinityGroup',
      'metadata:',
      '  account: acme',
      'spec: { type: host-affinity }',
    )));
    expectOneIssue(result, { file: GROUP, line: 3, column: 1, rule: 'schema.required', message: 'missing required field "name" in metadata' });
  });

  it('points at the first key of a document without spec', async () => {
    const result = await loadFiles(withFile('catalog/disks.yaml', lines(
      '# a disk offering without its size',
      'apiVersion: cairn.dev/v1',
      'kind: DiskOffering',
      'metadata: { name: data-100 }',
    )));
    expectOneIssue(result, { file: 'catalog/disks.yaml', line: 2, column: 1, rule: 'schema.required', message: 'missing required field "spec" in the document' });
  });
});

describe('schema.enum', () => {
  it('points at the value, lists the allowed values and suggests the closest', async () => {
    await expectEditError(VMS, 'state: Running                   # Running | Stopped', 'state: Runing', 'Runing', 'schema.enum', [
      'spec.state must be one of Running, Stopped (got "Runing"); did you mean Running?',
    ]);
  });

  it('points at a wrong value inside a list', async () => {
    await expectEditError(ZONE, 'trafficTypes: [Guest, Management, Public]', 'trafficTypes: [Guest, Managment, Public]', 'Managment', 'schema.enum', [
      'spec.physicalNetworks[0].trafficTypes[1] must be one of Guest, Management, Public, Storage',
      'did you mean Management?',
    ]);
  });
});

describe('schema.type', () => {
  it('points at a string where an integer belongs', async () => {
    await expectEditError(VMS, 'rootDiskGiB: 10', 'rootDiskGiB: ten', 'ten', 'schema.type', ['spec.rootDiskGiB must be integer (got "ten")']);
  });

  it('points at a fraction where an integer belongs', async () => {
    await expectEditError('catalog/offerings.yaml', 'spec: { sizeGiB: 50 }', 'spec: { sizeGiB: 50.5 }', '50.5', 'schema.type', ['spec.sizeGiB must be integer (got 50.5)']);
  });

  it('points at a quoted string where a boolean belongs', async () => {
    await expectEditError(ZONE, 'securityGroups: false', 'securityGroups: "no"', '"no"', 'schema.type', ['spec.securityGroups must be boolean (got "no")']);
  });

  it('points at a mapping where a list belongs', async () => {
    await expectEditError(VMS, 'affinityGroups: [web-spread]\n  rootDiskGiB', 'affinityGroups: { name: web-spread }\n  rootDiskGiB', '{ name: web-spread }', 'schema.type', ['spec.affinityGroups must be array (got a mapping)']);
  });
});

describe('schema.format', () => {
  it('cidr: points at a prefix over 32', async () => {
    await expectEditError(NETWORK, 'cidr: 10.1.1.0/24', 'cidr: 10.1.1.0/33', '10.1.1.0/33', 'schema.format', ['spec.cidr: "10.1.1.0/33" is not an IPv4 CIDR']);
  });

  it('cidr: points at an address without a prefix', async () => {
    await expectEditError(NETWORK, 'cidr: 10.1.1.0/24', 'cidr: 10.1.1.0', '10.1.1.0', 'schema.format', ['is not an IPv4 CIDR']);
  });

  it('ipv4: points at an octet over 255', async () => {
    await expectEditError(VMS, 'ip: 10.1.1.10 }', 'ip: 10.1.1.300 }', '10.1.1.300', 'schema.format', ['spec.networks[0].ip: "10.1.1.300" is not an IPv4 address']);
  });

  for (const bad of ['90-80', '0-80', '80-65536', '80-', 'http']) {
    it(`port-range: points at "${bad}"`, async () => {
      await expectEditError(NETWORK, 'publicIp: web-ip, protocol: tcp, ports: "80"', `publicIp: web-ip, protocol: tcp, ports: "${bad}"`, `"${bad}"`, 'schema.format', [
        `spec.ports: "${bad}" is not a port or an ordered port range`,
      ]);
    });
  }

  for (const bad of ['200-100', '0-100', '100-4095', 'all']) {
    it(`vlan-range: points at "${bad}"`, async () => {
      await expectEditError(ZONE, 'vlanRange: 100-200', `vlanRange: ${bad}`, bad, 'schema.format', [
        `spec.physicalNetworks[0].vlanRange: "${bad}" is not an ordered VLAN range`,
      ]);
    });
  }

  it('cron: points at a schedule with four fields', async () => {
    await expectEditError(VMS, 'schedule: "0 2 * * *"', 'schedule: "0 2 * *"', '"0 2 * *"', 'schema.format', ['spec.schedule: "0 2 * *" is not a five-field cron expression']);
  });
});

describe('schema.name', () => {
  const group = (name: string) => lines(
    'apiVersion: cairn.dev/v1',
    'kind: AffinityGroup',
    'metadata:',
    `  name: ${name}`,
    '  account: acme',
    'spec: { type: host-affinity }',
  );
  for (const [why, name] of [['starts with a dash', '-spread'], ['contains a space', '"web spread"'], ['is 64 characters long', 'a'.repeat(64)], ['contains a slash', 'web/spread']] as const) {
    it(`points at a name that ${why}`, async () => {
      expectOneIssue(await loadFiles(withFile(GROUP, group(name))), {
        file: GROUP, line: 4, column: 9, rule: 'schema.name', message: ['metadata.name', 'is not a valid name', 'at most 63 characters'],
      });
    });
  }

  it('accepts a name of 63 characters with dots and underscores', async () => {
    const result = await loadFiles(withFile(GROUP, group(`a.b_c-${'d'.repeat(57)}`)));
    expect(result.errors).toEqual([]);
  });
});

describe('values with several accepted forms (oneOf), one error each', () => {
  it('vlan 5000: only the integer form is meant, so only its bound is reported', async () => {
    await expectEditError(NETWORK, 'vlan: auto   ', 'vlan: 5000   ', '5000', 'schema.maximum', ['spec.vlan must be <= 4094 (got 5000)']);
  });

  it('vlan "automatic": only the string form is meant', async () => {
    await expectEditError(NETWORK, 'vlan: auto   ', 'vlan: automatic', 'automatic', 'schema.const', ['spec.vlan must be "auto" (got "automatic")']);
  });

  it('vlan true: no form is meant, so the forms are listed', async () => {
    await expectEditError(NETWORK, 'vlan: auto   ', 'vlan: true   ', 'true', 'schema.alternatives', ['spec.vlan must be "auto" or an integer from 1 to 4094 (got true)']);
  });

  it('a public address that is neither "auto" nor an IPv4 address', async () => {
    await expectEditError(NETWORK, 'address: auto', 'address: 1.2.3', '1.2.3', 'schema.alternatives', ['spec.address must be "auto" or an IPv4 address']);
  });

  it('a secret source with a bad variable name points at the name', async () => {
    await expectEditError(ZONE, 'spec: { cluster: c2, url: sim://c2/h4,', 'spec: { passwordFrom: { env: 1A }, cluster: c2, url: sim://c2/h4,', '1A', 'schema.pattern', ['spec.passwordFrom.env "1A" does not have the expected form']);
  });
});

// What the loader once checked as `storage.scope` is the PrimaryStorage schema's if/then now: one error, not two.
describe('fields required or forbidden by another field (if/then), storage.scope among them', () => {
  const PS2 = 'spec: { scope: Cluster, cluster: c2, url: sim://ps2, capacityGiB: 8192 }';

  it('a Cluster-scoped primary storage without its cluster: the spec key, saying when the field is required', async () => {
    const files = exampleWith(ZONE, PS2, 'spec: { scope: Cluster, url: sim://ps2, capacityGiB: 8192 }');
    const at = files[ZONE]!.indexOf('spec: { scope: Cluster, url');
    expectOneIssue(await loadFiles(files), {
      file: ZONE, ...positionAtOffset(files[ZONE]!, at), rule: 'schema.required', message: 'missing required field "cluster" in spec (required when scope is Cluster)',
    });
  });

  it('a Zone-scoped primary storage naming a cluster: the zone is missing and the cluster is not allowed', async () => {
    const files = exampleWith(ZONE, PS2, 'spec: { scope: Zone, cluster: c2, url: sim://ps2, capacityGiB: 8192 }');
    const text = files[ZONE]!;
    const at = text.indexOf('spec: { scope: Zone');
    expectIssues(await loadFiles(files), [
      { file: ZONE, ...positionAtOffset(text, at), rule: 'schema.required', message: 'missing required field "zone" in spec (required when scope is Zone)' },
      { file: ZONE, ...positionAtOffset(text, text.indexOf('cluster: c2', at)), rule: 'schema.not-allowed', message: 'spec.cluster is not allowed when scope is Zone' },
    ]);
  });

  it('ports on an "all protocols" rule point at the ports key', async () => {
    await expectEditError(NETWORK, '- { protocol: all, cidrs: [0.0.0.0/0] }', '- { protocol: all, ports: "80", cidrs: [0.0.0.0/0] }', 'ports', 'schema.not-allowed', [
      'spec.egress[0].ports is not allowed when protocol is icmp or all',
    ]);
  });

  it('an L2 network with a cidr points at the cidr key', async () => {
    await expectEditError(NETWORK, 'type: Isolated                   # Isolated | Shared | L2\n  cidr: 10.1.1.0/24\n  gateway: 10.1.1.1\n', 'type: L2\n  cidr: 10.1.1.0/24\n', 'cidr', 'schema.not-allowed', [
      'spec.cidr is not allowed when type is L2',
    ]);
  });
});
