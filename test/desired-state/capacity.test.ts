/**
 * Capacity that can never fit (an offering no host of the VM's zone could run, even empty) and the
 * infrastructure rules it relies on (simulated hosts declare their capacity).
 *
 * The example's zone1 has cluster c1 (Simulator, cpu overcommit 2) with h1 and h2 (32 cores × 2400
 * MHz, 131072 MiB, tagged ssd, primary storage ps1 tagged ssd) and cluster c2 (no overcommit) with
 * h3 and h4 (16 cores × 2000 MHz, 65536 MiB, untagged storage ps2).
 */
import { afterAll, describe, it } from 'vitest';
import { exampleEdit, exampleFiles, lines, loadFiles, removeTempDirs, type FileMap } from '../support/desired-state-repo.js';
import { expectIssues, expectOneIssue } from '../support/expect-issues.js';

afterAll(removeTempDirs);

const LAB = 'tenants/lab/lab.yaml';
const OFFERINGS = 'catalog/lab-offerings.yaml';
const ZONE = 'infrastructure/zone1.yaml';

/** An account without limits (so only capacity speaks), its network and one VM of `offering`, whose name is at line 16, column 20. */
const lab = (offering: string, zone = 'zone1') => lines(
  'apiVersion: cairn.dev/v1',
  'kind: Account',
  'metadata: { name: lab }',
  'spec: {}',
  '---',
  'apiVersion: cairn.dev/v1',
  'kind: Network',
  'metadata: { name: lab-net, account: lab }',
  `spec: { zone: ${zone}, type: Isolated, cidr: 10.9.0.0/24 }`,
  '---',
  'apiVersion: cairn.dev/v1',
  'kind: VirtualMachine',
  'metadata: { name: big-1, account: lab }',
  'spec:',
  `  zone: ${zone}`,
  `  serviceOffering: ${offering}`,
  '  template: debian-12',
  '  networks: [ { network: lab-net } ]',
);

const offering = (name: string, spec: string) => lines('apiVersion: cairn.dev/v1', 'kind: ServiceOffering', `metadata: { name: ${name} }`, `spec: ${spec}`);

const withLab = (offeringName: string, offeringSpec: string, more: FileMap = {}) => ({
  ...exampleFiles(),
  [OFFERINGS]: offering(offeringName, offeringSpec),
  [LAB]: lab(offeringName),
  ...more,
});

describe('capacity.no-host-fits', () => {
  it('points at the offering of a VM that needs more memory than any host has', async () => {
    const result = await loadFiles(withLab('huge-mem', '{ cpuCores: 2, cpuMhz: 1000, memoryMiB: 262144 }'));
    expectOneIssue(result, {
      file: LAB, line: 16, column: 20, rule: 'capacity.no-host-fits',
      message: [
        'no host of zone zone1 could ever run this VM with offering huge-mem',
        'it needs 2 cores × 1000 MHz and 262144 MiB',
        'the largest eligible host, h1, offers 32 cores × 2400 MHz (cpu overcommit 2) and 131072 MiB (memory overcommit 1)',
      ],
      kind: 'VirtualMachine',
      name: 'big-1',
    });
  });

  it('points at the offering of a VM whose cores are faster than any host overcommits to', async () => {
    const result = await loadFiles(withLab('fast', '{ cpuCores: 1, cpuMhz: 5000, memoryMiB: 1024 }'));
    expectOneIssue(result, { file: LAB, line: 16, column: 20, rule: 'capacity.no-host-fits', message: 'it needs 1 cores × 5000 MHz' });
  });

  it('honours the cluster overcommit: 40 cores fit on 32-core hosts overcommitted 2×', async () => {
    expectIssues(await loadFiles(withLab('many-cores', '{ cpuCores: 40, cpuMhz: 2400, memoryMiB: 4096 }')), []);
  });

  it('without that overcommit, the same VM fits nowhere', async () => {
    const files = withLab('many-cores', '{ cpuCores: 40, cpuMhz: 2400, memoryMiB: 4096 }', {
      [ZONE]: exampleEdit(ZONE, 'overcommit: { cpu: 2.0, memory: 1.0 }', 'overcommit: { cpu: 1.0, memory: 1.0 }').files[ZONE]!,
    });
    expectOneIssue(await loadFiles(files), { file: LAB, line: 16, column: 20, rule: 'capacity.no-host-fits', message: 'it needs 40 cores × 2400 MHz and 4096 MiB' });
  });

  it('points at the offering of a VM that asks for host tags no host has', async () => {
    const result = await loadFiles(withLab('gpu', '{ cpuCores: 1, cpuMhz: 1000, memoryMiB: 1024, hostTags: [gpu] }'));
    expectOneIssue(result, { file: LAB, line: 16, column: 20, rule: 'capacity.no-host-fits', message: 'no host has the host tags [gpu]' });
  });

  it('points at the offering of a VM that asks for storage tags no reachable storage has', async () => {
    const result = await loadFiles(withLab('nvme', '{ cpuCores: 1, cpuMhz: 1000, memoryMiB: 1024, storageTags: [nvme] }'));
    expectOneIssue(result, { file: LAB, line: 16, column: 20, rule: 'capacity.no-host-fits', message: 'no host with host tags [] reaches primary storage tagged [nvme]' });
  });

  it('counts zone-wide primary storage as reachable from every host of the zone', async () => {
    const result = await loadFiles(withLab('nvme', '{ cpuCores: 1, cpuMhz: 1000, memoryMiB: 1024, storageTags: [nvme] }', {
      'infrastructure/ps-zone.yaml': lines('apiVersion: cairn.dev/v1', 'kind: PrimaryStorage', 'metadata: { name: ps-nvme }', 'spec: { scope: Zone, zone: zone1, url: sim://ps-nvme, capacityGiB: 100, tags: [nvme] }'),
    }));
    expectIssues(result, []);
  });

  it('points at the VM of a zone that has no hosts', async () => {
    const files: FileMap = {
      ...exampleFiles(),
      'infrastructure/zone2.yaml': lines('apiVersion: cairn.dev/v1', 'kind: Zone', 'metadata: { name: zone2 }', 'spec: { networkType: Advanced }'),
      [LAB]: lab('small', 'zone2'),
    };
    expectOneIssue(await loadFiles(files), { file: LAB, line: 16, column: 20, rule: 'capacity.no-host-fits', message: 'zone zone2 has no hosts' });
  });

  it('gives real hypervisors whose capacity is not declared the benefit of the doubt', async () => {
    const result = await loadFiles(withLab('huge-mem', '{ cpuCores: 2, cpuMhz: 1000, memoryMiB: 262144 }', {
      'infrastructure/kvm.yaml': lines(
        'apiVersion: cairn.dev/v1',
        'kind: Cluster',
        'metadata: { name: k1 }',
        'spec: { pod: pod1, hypervisor: KVM }',
        '---',
        'apiVersion: cairn.dev/v1',
        'kind: Host',
        'metadata: { name: kvm-1 }',
        'spec: { cluster: k1, url: "qemu+ssh://root@10.0.0.11/system" }',
      ),
    }));
    expectIssues(result, []);
  });
});

describe('host.capacity-required', () => {
  it('points at the spec key of a Simulator host that does not declare its capacity, naming what is missing', async () => {
    const result = await loadFiles({
      ...exampleFiles(),
      'infrastructure/h5.yaml': lines(
        'apiVersion: cairn.dev/v1',
        'kind: Host',
        'metadata: { name: h5 }',
        'spec:',
        '  cluster: c2',
        '  url: sim://c2/h5',
        '  cpuMhz: 2000',
      ),
    });
    expectOneIssue(result, {
      file: 'infrastructure/h5.yaml', line: 4, column: 1, rule: 'host.capacity-required',
      message: 'host h5 is in Simulator cluster c2, so its capacity must be declared: missing cpuCores, memoryMiB',
    });
  });

  it('does not apply to a KVM host, whose capacity is observed', async () => {
    const result = await loadFiles({
      ...exampleFiles(),
      'infrastructure/kvm.yaml': lines(
        'apiVersion: cairn.dev/v1',
        'kind: Cluster',
        'metadata: { name: k1 }',
        'spec: { pod: pod1, hypervisor: KVM }',
        '---',
        'apiVersion: cairn.dev/v1',
        'kind: Host',
        'metadata: { name: kvm-1 }',
        'spec: { cluster: k1, url: "qemu+unix:///system?socket=/run/libvirt/libvirt-sock" }',
      ),
    });
    expectIssues(result, []);
  });
});
