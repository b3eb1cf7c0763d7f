/**
 * Explicit guest VLANs (inside the zone's guest range, once per zone) and tenant limits (what an
 * account or project declares stays within its `spec.limits`).
 */
import { afterAll, describe, it } from 'vitest';
import { exampleEdit, exampleFiles, lines, loadFiles, removeTempDirs } from '../support/desired-state-repo.js';
import { expectIssues, expectOneIssue } from '../support/expect-issues.js';

afterAll(removeTempDirs);

const NETWORK = 'tenants/acme/network.yaml';
const ACCOUNT = 'tenants/acme/account.yaml';
const GLOBEX = lines('apiVersion: cairn.dev/v1', 'kind: Account', 'metadata: { name: globex }', 'spec: {}');
const network = (name: string, account: string, cidr: string, vlan: number, zone = 'zone1') => lines(
  'apiVersion: cairn.dev/v1',
  'kind: Network',
  `metadata: { name: ${name}, account: ${account} }`,
  'spec:',
  `  zone: ${zone}`,
  '  type: Isolated',
  `  cidr: ${cidr}`,
  `  vlan: ${vlan}`,
);

describe('vlan.out-of-range', () => {
  it("points at a VLAN outside the zone's guest range", async () => {
    const edit = exampleEdit(NETWORK, 'vlan: auto   ', 'vlan: 300   ');
    expectOneIssue(await loadFiles(edit.files), { file: NETWORK, ...edit.at('300'), rule: 'vlan.out-of-range', message: "vlan 300 is outside zone zone1's guest VLAN range (100-200)" });
  });

  it('does not count the VLAN of a physical network that carries no guest traffic', async () => {
    const edit = exampleEdit('infrastructure/zone1.yaml', 'trafficTypes: [Guest, Management, Public]', 'trafficTypes: [Management, Public]');
    const files = { ...edit.files, [NETWORK]: exampleEdit(NETWORK, 'vlan: auto   ', 'vlan: 150   ').files[NETWORK]! };
    const vlan = exampleEdit(NETWORK, 'vlan: auto   ', 'vlan: 150   ').at('150');
    expectOneIssue(await loadFiles(files), { file: NETWORK, ...vlan, rule: 'vlan.out-of-range', message: '(none declared)' });
  });

  it('accepts both ends of the range', async () => {
    const files = { ...exampleEdit(NETWORK, 'vlan: auto   ', 'vlan: 100   ').files, 'tenants/acme/other.yaml': network('other', 'acme', '10.1.2.0/24', 200) };
    expectIssues(await loadFiles(files), []);
  });
});

describe('vlan.duplicate', () => {
  it('points at the second network with a VLAN in a zone, even in another tenant, and names the first', async () => {
    const edit = exampleEdit(NETWORK, 'vlan: auto   ', 'vlan: 150   ');
    const first = edit.at('150');
    const result = await loadFiles({ ...edit.files, 'tenants/globex/account.yaml': GLOBEX, 'tenants/globex/network.yaml': network('g-net', 'globex', '10.2.0.0/24', 150) });
    expectOneIssue(result, {
      file: 'tenants/globex/network.yaml', line: 8, column: 9, rule: 'vlan.duplicate',
      message: `vlan 150 is already used by network acme/web-net in zone zone1 (at ${NETWORK}:${first.line}:${first.column})`,
    });
  });

  it('is not a duplicate in another zone', async () => {
    const edit = exampleEdit(NETWORK, 'vlan: auto   ', 'vlan: 150   ');
    const zone2 = exampleFiles()['infrastructure/zone1.yaml']!.split('\n---\n')[0]!.replace('name: zone1', 'name: zone2');
    const result = await loadFiles({ ...edit.files, 'infrastructure/zone2.yaml': zone2, 'tenants/acme/zone2.yaml': network('web-net-2', 'acme', '10.1.1.0/24', 150, 'zone2') });
    expectIssues(result, []);
  });
});

describe('limits.exceeded', () => {
  // The example's acme declares 3 VMs (1 + 1 + 4 cores, 1024 + 1024 + 8192 MiB), 10 + 2 + 2 GiB of
  // root disks and a 50 GiB volume, 1 network, 1 public IP and a snapshot schedule keeping 7.
  const cases = [
    ['vms', 'vms: 20', 'vms: 2', 'account acme declares 3 virtual machines, over its limit vms: 2'],
    ['cpuCores', 'cpuCores: 64', 'cpuCores: 5', 'account acme declares 6 CPU cores, over its limit cpuCores: 5'],
    ['memoryMiB', 'memoryMiB: 131072', 'memoryMiB: 10000', 'account acme declares 10240 MiB of memory, over its limit memoryMiB: 10000'],
    ['primaryStorageGiB', 'primaryStorageGiB: 2048', 'primaryStorageGiB: 63', 'account acme declares 64 GiB of primary storage, over its limit primaryStorageGiB: 63'],
    ['networks', 'networks: 5', 'networks: 0', 'account acme declares 1 networks, over its limit networks: 0'],
    ['publicIps', 'publicIps: 5', 'publicIps: 0', 'account acme declares 1 public IPs, over its limit publicIps: 0'],
    ['volumes', 'networks: 5 }', 'networks: 5, volumes: 0 }', 'account acme declares 1 volumes, over its limit volumes: 0'],
    ['snapshots', 'networks: 5 }', 'networks: 5, snapshots: 6 }', 'account acme declares 7 snapshots (counting each kept copy), over its limit snapshots: 6'],
  ] as const;
  for (const [key, from, to, message] of cases) {
    it(`${key}: points at the limit's value`, async () => {
      const edit = exampleEdit(ACCOUNT, from, to);
      const value = to.slice(to.lastIndexOf(': ') + 2).replace(' }', '');
      const field = edit.at(`${key}: ${value}`);
      expectOneIssue(await loadFiles(edit.files), {
        file: ACCOUNT, line: field.line, column: field.column + key.length + 2, rule: 'limits.exceeded', message, kind: 'Account', name: 'acme',
      });
    });
  }

  it('accepts usage exactly at the limit', async () => {
    const edit = exampleEdit(ACCOUNT, 'limits: { vms: 20, cpuCores: 64, memoryMiB: 131072, primaryStorageGiB: 2048, publicIps: 5, networks: 5 }',
      'limits: { vms: 3, cpuCores: 6, memoryMiB: 10240, primaryStorageGiB: 64, publicIps: 1, networks: 1, volumes: 1, snapshots: 7 }');
    expectIssues(await loadFiles(edit.files), []);
  });

  it("points at a project's limit", async () => {
    const result = await loadFiles({
      ...exampleFiles(),
      'tenants/website/all.yaml': lines(
        'apiVersion: cairn.dev/v1',
        'kind: Project',
        'metadata: { name: website }',
        'spec:',
        '  limits:',
        '    networks: 0',
        '---',
        'apiVersion: cairn.dev/v1',
        'kind: Network',
        'metadata: { name: site-net, project: website }',
        'spec: { zone: zone1, type: L2 }',
      ),
    });
    expectOneIssue(result, { file: 'tenants/website/all.yaml', line: 6, column: 15, rule: 'limits.exceeded', message: 'project website declares 1 networks, over its limit networks: 0' });
  });
});
