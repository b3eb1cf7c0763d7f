import { describe, expect, it } from 'vitest';
import { KINDS, type Kind } from '../../desired-state/model.js';
import { SENSITIVE } from '../../reconcilers/field-rules.js';
import { RECONCILERS } from '../../reconcilers/kinds/index.js';
import type { ReconcileContext } from '../../reconcilers/reconciler.js';
import { observe, res, withSpec } from './support.js';

const ctx: ReconcileContext = { desired: () => undefined, observed: () => undefined };

/** A spec of each kind, and for every immutable or updatable field another value. */
const SAMPLES: Record<Kind, { spec: Record<string, unknown>; changes: Record<string, unknown> }> = {
  Zone: {
    spec: {
      networkType: 'Advanced', securityGroups: false, dns: ['10.0.0.1'], internalDns: ['10.0.0.2'], guestCidr: '10.1.0.0/16',
      physicalNetworks: [{ name: 'pnet0', isolation: 'VLAN', vlanRange: '100-200', trafficTypes: ['Guest'] }],
      publicIpRanges: [{ startIp: '192.168.2.2', endIp: '192.168.2.200', netmask: '255.255.255.0', gateway: '192.168.2.1' }],
    },
    changes: {
      networkType: 'Basic', securityGroups: true, dns: ['10.0.0.9'], internalDns: ['10.0.0.8'], guestCidr: '10.2.0.0/16',
      physicalNetworks: [{ name: 'pnet0', isolation: 'VLAN', vlanRange: '100-300', trafficTypes: ['Guest'] }],
      publicIpRanges: [{ startIp: '192.168.3.2', endIp: '192.168.3.200', netmask: '255.255.255.0', gateway: '192.168.3.1' }],
    },
  },
  Pod: {
    spec: { zone: 'zone1', gateway: '172.16.15.1', netmask: '255.255.255.0', startIp: '172.16.15.2', endIp: '172.16.15.200' },
    changes: { zone: 'zone2', gateway: '172.16.15.254', netmask: '255.255.0.0', startIp: '172.16.15.3', endIp: '172.16.15.100' },
  },
  Cluster: { spec: { pod: 'pod1', hypervisor: 'Simulator', overcommit: { cpu: 2 } }, changes: { pod: 'pod2', hypervisor: 'KVM', overcommit: { cpu: 3 } } },
  Host: {
    spec: { cluster: 'c1', url: 'sim://c1/h1', cpuCores: 32, cpuMhz: 2400, memoryMiB: 131072, tags: ['ssd'], state: 'Enabled', username: 'root', passwordFrom: { env: 'PW' } },
    changes: { cluster: 'c2', url: 'sim://c1/h9', cpuCores: 64, cpuMhz: 3000, memoryMiB: 262144, tags: ['ssd', 'gpu'], state: 'Maintenance', username: 'admin', passwordFrom: { file: '/pw' } },
  },
  PrimaryStorage: {
    spec: { scope: 'Cluster', cluster: 'c1', url: 'sim://ps1', capacityGiB: 4096, tags: ['ssd'], deletionPolicy: 'Retain' },
    changes: { scope: 'Zone', cluster: 'c2', zone: 'zone1', url: 'sim://ps9', capacityGiB: 8192, tags: [], deletionPolicy: 'Delete' },
  },
  SecondaryStorage: { spec: { zone: 'zone1', url: 'sim://ss1' }, changes: { zone: 'zone2', url: 'sim://ss2', deletionPolicy: 'Delete' } },
  ServiceOffering: {
    spec: { cpuCores: 1, cpuMhz: 1000, memoryMiB: 1024 },
    changes: { cpuCores: 2, cpuMhz: 2000, memoryMiB: 2048, hostTags: ['ssd'], storageTags: ['ssd'], ha: true },
  },
  DiskOffering: { spec: { sizeGiB: 50 }, changes: { sizeGiB: 100, storageTags: ['ssd'] } },
  Template: {
    spec: { url: 'sim://t.qcow2', checksum: 'sha256:aa', format: 'QCOW2', hypervisor: 'Simulator', sizeGiB: 2, osType: 'Debian', zones: ['zone1'] },
    changes: { url: 'sim://u.qcow2', checksum: 'sha256:bb', format: 'RAW', hypervisor: 'KVM', sizeGiB: 4, osType: 'Debian 13', zones: ['zone1', 'zone2'], deletionPolicy: 'Delete' },
  },
  Domain: { spec: { parent: 'ROOT' }, changes: { parent: 'customers' } },
  Account: { spec: { domain: 'customers', type: 'User', limits: { vms: 20 } }, changes: { domain: 'ROOT', type: 'Admin', limits: { vms: 30 } } },
  Project: { spec: { domain: 'customers', description: 'x' }, changes: { domain: 'ROOT', description: 'y', limits: { vms: 1 } } },
  Network: {
    spec: { zone: 'zone1', type: 'Isolated', cidr: '10.1.1.0/24', gateway: '10.1.1.1', vlan: 150, vpc: 'v1', acl: 'a1', networkDomain: 'acme.internal' },
    changes: { zone: 'zone2', type: 'Shared', cidr: '10.1.2.0/24', gateway: '10.1.1.254', vlan: 151, vpc: 'v2', acl: 'a2', networkDomain: 'x.internal' },
  },
  Vpc: { spec: { zone: 'zone1', cidr: '10.1.0.0/16' }, changes: { zone: 'zone2', cidr: '10.2.0.0/16', networkDomain: 'v.internal' } },
  NetworkAcl: {
    spec: { vpc: 'v1', rules: [{ number: 1, action: 'Allow', trafficType: 'Ingress', protocol: 'tcp', ports: '22', cidrs: ['10.0.0.0/8'] }] },
    changes: { vpc: 'v2', rules: [{ number: 1, action: 'Deny', trafficType: 'Ingress', protocol: 'tcp', ports: '22', cidrs: ['10.0.0.0/8'] }] },
  },
  SecurityGroup: {
    spec: { ingress: [{ protocol: 'tcp', ports: '80', cidrs: ['0.0.0.0/0'] }], egress: [{ protocol: 'all', cidrs: ['0.0.0.0/0'] }] },
    changes: { ingress: [{ protocol: 'tcp', ports: '443', cidrs: ['0.0.0.0/0'] }], egress: [] },
  },
  FirewallRule: {
    spec: { publicIp: 'ip1', protocol: 'tcp', ports: '80', cidrs: ['0.0.0.0/0'] },
    changes: { publicIp: 'ip2', protocol: 'udp', ports: '81', cidrs: ['10.0.0.0/8'] },
  },
  EgressRule: {
    spec: { network: 'n1', protocol: 'tcp', ports: '80', cidrs: ['0.0.0.0/0'] },
    changes: { network: 'n2', protocol: 'udp', ports: '81', cidrs: ['10.0.0.0/8'] },
  },
  PortForward: {
    spec: { publicIp: 'ip1', protocol: 'tcp', publicPort: 2222, vm: 'web-1', privatePort: 22 },
    changes: { publicIp: 'ip2', protocol: 'udp', publicPort: 2223, vm: 'web-2', privatePort: 23 },
  },
  PublicIp: { spec: { zone: 'zone1', network: 'n1', address: '192.168.2.10' }, changes: { zone: 'zone2', network: 'n2', address: '192.168.2.11' } },
  LoadBalancer: {
    spec: { publicIp: 'ip1', protocol: 'tcp', publicPort: 80, privatePort: 80, algorithm: 'roundrobin', vms: ['web-1'] },
    changes: { publicIp: 'ip2', protocol: 'udp', publicPort: 81, privatePort: 8080, algorithm: 'leastconn', vms: ['web-1', 'web-2'] },
  },
  VirtualMachine: {
    spec: {
      displayName: 'Web', zone: 'zone1', serviceOffering: 'small', template: 'debian-12', rootDiskGiB: 10,
      networks: [{ network: 'n1', ip: '10.1.1.10' }], securityGroups: ['sg1'], affinityGroups: ['ag1'], userData: 'secret', sshKey: 'ssh-ed25519 AAA', state: 'Running',
    },
    changes: {
      displayName: 'Web 1', zone: 'zone2', serviceOffering: 'large', template: 'debian-13', rootDiskGiB: 20,
      networks: [{ network: 'n1', ip: '10.1.1.11' }], securityGroups: ['sg2'], affinityGroups: ['ag2'], userData: 'other', sshKey: 'ssh-ed25519 BBB',
    },
  },
  Volume: {
    spec: { zone: 'zone1', diskOffering: 'data-50', sizeGiB: 50, attachTo: 'db-1' },
    changes: { zone: 'zone2', diskOffering: 'data-100', sizeGiB: 100, attachTo: 'db-2', deletionPolicy: 'Delete' },
  },
  Snapshot: { spec: { volume: 'v1', schedule: '0 2 * * *', keep: 7 }, changes: { volume: 'v2', schedule: '0 3 * * *', keep: 8, deletionPolicy: 'Delete' } },
  AffinityGroup: { spec: { type: 'host-anti-affinity' }, changes: { type: 'host-affinity' } },
};

const VM_STATUS = { state: 'Running', host: 'h1', storage: 'ps1', nics: [{ ip: '10.1.1.10', mac: '02:00:00:00:00:01' }] };

function reconcile(kind: Kind, desired: Record<string, unknown>, world: Record<string, unknown>, status: Record<string, unknown> = kind === 'VirtualMachine' ? VM_STATUS : {}) {
  const r = res(kind, 'x', desired);
  return RECONCILERS[kind].reconcile(r, observe(r, status, world), ctx);
}

describe('field classes, kind by kind', () => {
  for (const kind of KINDS) {
    const { spec, changes } = SAMPLES[kind];
    const reconciler = RECONCILERS[kind];

    it(`${kind}: every immutable and updatable field has a sample change`, () => {
      const classified = Object.entries(reconciler.fields).filter(([, r]) => r.class === 'immutable' || r.class === 'updatable').map(([f]) => f);
      expect(Object.keys(changes).sort()).toEqual(classified.sort());
    });

    it(`${kind}: the same spec on both sides plans nothing`, () => {
      expect(reconcile(kind, spec, spec)).toEqual([]);
    });

    for (const field of reconciler.immutable) {
      it(`${kind}: a change of immutable ${field} is a destructive replace`, () => {
        const actions = reconcile(kind, { ...spec, [field]: changes[field] }, spec);
        expect(actions).toHaveLength(1);
        expect(actions[0]).toMatchObject({ op: 'replace', kind, name: 'x', destructive: true, id: `replace:${kind}/${res(kind, 'x', {}).tenant ? 'account:acme' : ''}/x` });
        expect(actions[0]!.fields.map((f) => f.path.replace(/[.[].*/, ''))).toContain(field);
        expect(actions[0]!.reason).toMatch(new RegExp(`${field}.*cannot change in place`));
        expect(actions[0]!.spec).toEqual({ ...spec, [field]: changes[field] });
      });
    }

    for (const field of reconciler.updatable) {
      it(`${kind}: a change of updatable ${field} is an update`, () => {
        const actions = reconcile(kind, { ...spec, [field]: changes[field] }, spec);
        expect(actions).toHaveLength(1);
        expect(actions[0]).toMatchObject({ op: 'update', kind, name: 'x', destructive: false, externalId: expect.any(String) });
        expect(actions[0]!.fields.length).toBeGreaterThan(0);
        expect(actions[0]!.fields.every((f) => f.path.replace(/[.[].*/, '') === field)).toBe(true);
      });
    }
  }

  it('an immutable and an updatable change together are one replace carrying both diffs', () => {
    const { spec } = SAMPLES.VirtualMachine;
    const actions = reconcile('VirtualMachine', { ...spec, template: 'debian-13', serviceOffering: 'large' }, spec);
    expect(actions.map((a) => a.op)).toEqual(['replace']);
    expect(actions[0]!.fields.map((f) => f.path).sort()).toEqual(['serviceOffering', 'template']);
  });

  it('a field diff goes down to the leaf that changed', () => {
    const { spec } = SAMPLES.Cluster;
    const [a] = reconcile('Cluster', { ...spec, overcommit: { cpu: 2, memory: 1.5 } }, spec);
    expect(a!.fields).toEqual([{ path: 'overcommit.memory', from: 1, to: 1.5 }]);
    const vm = SAMPLES.VirtualMachine.spec;
    const [b] = reconcile('VirtualMachine', { ...vm, networks: [{ network: 'n1', ip: '10.1.1.99' }] }, vm);
    expect(b!.fields).toEqual([{ path: 'networks[0].ip', from: '10.1.1.10', to: '10.1.1.99' }]);
  });

  it('a VM offering change is an update whose reason says how it is done', () => {
    const { spec } = SAMPLES.VirtualMachine;
    const [a] = reconcile('VirtualMachine', { ...spec, serviceOffering: 'large' }, spec);
    expect(a).toMatchObject({ op: 'update', fields: [{ path: 'serviceOffering', from: 'small', to: 'large' }] });
    expect(a!.reason).toMatch(/serviceOffering changed \(the provider stops the VM/);
  });

  it('removing an updatable field is an update to absent', () => {
    const { spec } = SAMPLES.Network;
    const { networkDomain: _, ...rest } = spec;
    const [a] = reconcile('Network', rest, spec);
    expect(a).toMatchObject({ op: 'update', fields: [{ path: 'networkDomain', from: 'acme.internal' }] });
    expect(a!.fields[0]).not.toHaveProperty('to');
  });

  it('a disk grows in place; a smaller disk is a destructive replace (CloudStack never shrinks one)', () => {
    const vol = SAMPLES.Volume.spec;
    expect(reconcile('Volume', { ...vol, sizeGiB: 20 }, vol)[0]).toMatchObject({ op: 'replace', destructive: true, fields: [{ path: 'sizeGiB', from: 50, to: 20 }] });
    expect(reconcile('Volume', { ...vol, sizeGiB: 20 }, vol)[0]!.reason).toMatch(/sizeGiB changed and cannot change in place; the data it holds is destroyed/);
    expect(reconcile('Volume', { ...vol, sizeGiB: 80 }, vol)[0]).toMatchObject({ op: 'update', destructive: false });
    const vm = SAMPLES.VirtualMachine.spec;
    expect(reconcile('VirtualMachine', { ...vm, rootDiskGiB: 5 }, vm)[0]).toMatchObject({ op: 'replace', destructive: true });
    // A pool's declared capacity is only a number for the allocator: it may go down.
    const ps = SAMPLES.PrimaryStorage.spec;
    expect(reconcile('PrimaryStorage', { ...ps, capacityGiB: 1000 }, ps)[0]).toMatchObject({ op: 'update', destructive: false });
  });

  it('secrets never appear in field diffs', () => {
    const { spec } = SAMPLES.VirtualMachine;
    const [a] = reconcile('VirtualMachine', { ...spec, userData: 'new secret', sshKey: 'ssh-ed25519 NEW' }, spec);
    expect(a!.fields).toEqual([
      { path: 'userData', from: SENSITIVE, to: SENSITIVE },
      { path: 'sshKey', from: SENSITIVE, to: SENSITIVE },
    ]);
    expect(JSON.stringify(a!.fields)).not.toMatch(/secret|NEW|AAA/);
    const { userData: _u, ...without } = spec;
    const [b] = reconcile('VirtualMachine', without, spec);
    expect(b!.fields).toEqual([{ path: 'userData', from: SENSITIVE }]);
  });
});

describe('normalised comparison: no drift where git and the world mean the same', () => {
  const nothing = (kind: Kind, desired: Record<string, unknown>, world: Record<string, unknown>, status?: Record<string, unknown>) =>
    expect(reconcile(kind, desired, world, status)).toEqual([]);

  it('defaults: omitted fields equal their documented default', () => {
    nothing('VirtualMachine', { zone: 'z', serviceOffering: 's', template: 't', networks: [{ network: 'n' }] }, {
      zone: 'z', serviceOffering: 's', template: 't', networks: [{ network: 'n' }], state: 'Running', securityGroups: [], affinityGroups: [], displayName: 'x',
    });
    nothing('Volume', { zone: 'z', sizeGiB: 5 }, { zone: 'z', sizeGiB: 5, deletionPolicy: 'Retain' });
    nothing('LoadBalancer', { publicIp: 'ip', publicPort: 80, privatePort: 80 }, { publicIp: 'ip', publicPort: 80, privatePort: 80, protocol: 'tcp', algorithm: 'roundrobin', vms: [] });
    nothing('Cluster', { pod: 'p', hypervisor: 'KVM' }, { pod: 'p', hypervisor: 'KVM', overcommit: { cpu: 1, memory: 1 } });
    nothing('Cluster', { pod: 'p', hypervisor: 'KVM', overcommit: { cpu: 2 } }, { pod: 'p', hypervisor: 'KVM', overcommit: { cpu: 2, memory: 1 } });
    nothing('Host', { cluster: 'c', url: 'sim://h' }, { cluster: 'c', url: 'sim://h', state: 'Enabled', tags: [] });
    nothing('Domain', {}, { parent: 'ROOT' });
    nothing('Account', {}, { domain: 'ROOT', type: 'User', limits: {} });
    nothing('ServiceOffering', { cpuCores: 1, cpuMhz: 1, memoryMiB: 1 }, { cpuCores: 1, cpuMhz: 1, memoryMiB: 1, ha: false, hostTags: [], storageTags: [] });
    nothing('Zone', { networkType: 'Basic' }, { networkType: 'Basic', securityGroups: false });
  });

  it('lists that are sets compare by value, in any order', () => {
    nothing('Host', { cluster: 'c', url: 'u', tags: ['b', 'a'] }, { cluster: 'c', url: 'u', tags: ['a', 'b'] });
    nothing('LoadBalancer', { publicIp: 'ip', publicPort: 1, privatePort: 1, vms: ['w2', 'w1'] }, { publicIp: 'ip', publicPort: 1, privatePort: 1, vms: ['w1', 'w2'] });
    nothing('FirewallRule', { publicIp: 'ip', protocol: 'tcp', cidrs: ['10.0.0.0/8', '0.0.0.0/0'] }, { publicIp: 'ip', protocol: 'tcp', cidrs: ['0.0.0.0/0', '10.0.0.0/8'] });
    nothing(
      'SecurityGroup',
      { ingress: [{ protocol: 'tcp', ports: '22', cidrs: ['b/8', 'a/8'] }, { protocol: 'tcp', ports: '80', cidrs: ['c/0'] }] },
      { ingress: [{ cidrs: ['c/0'], protocol: 'tcp', ports: '80' }, { protocol: 'tcp', ports: '22', cidrs: ['a/8', 'b/8'] }], egress: [] },
    );
    nothing(
      'NetworkAcl',
      { vpc: 'v', rules: [{ number: 2, action: 'Deny', trafficType: 'Ingress', protocol: 'all', cidrs: ['0.0.0.0/0'] }, { number: 1, action: 'Allow', trafficType: 'Ingress', protocol: 'tcp', ports: '22', cidrs: ['10.0.0.0/8'] }] },
      { vpc: 'v', rules: [{ number: 1, action: 'Allow', trafficType: 'Ingress', protocol: 'tcp', ports: '22', cidrs: ['10.0.0.0/8'] }, { number: 2, action: 'Deny', trafficType: 'Ingress', protocol: 'all', cidrs: ['0.0.0.0/0'] }] },
    );
    nothing('Template', { url: 'u', format: 'RAW', hypervisor: 'KVM', zones: ['z2', 'z1'] }, { url: 'u', format: 'RAW', hypervisor: 'KVM', zones: ['z1', 'z2'] });
  });

  it('but ordered lists keep their order: NICs and DNS servers', () => {
    const [a] = reconcile('Zone', { networkType: 'Basic', dns: ['1.1.1.1', '8.8.8.8'] }, { networkType: 'Basic', dns: ['8.8.8.8', '1.1.1.1'] });
    expect(a).toMatchObject({ op: 'update' });
    const nets = [{ network: 'a' }, { network: 'b' }];
    const [b] = reconcile('VirtualMachine', { ...SAMPLES.VirtualMachine.spec, networks: nets }, { ...SAMPLES.VirtualMachine.spec, networks: [...nets].reverse() });
    expect(b!.fields.map((f) => f.path)).toEqual(['networks[0].network', 'networks[1].network']);
  });

  it('observed-only: placement, MACs, allocated addresses and VLANs never drift', () => {
    const vm = { zone: 'z', serviceOffering: 's', template: 't', networks: [{ network: 'n' }] };
    // The provider may echo the allocated address in spec, or report it in status.
    nothing('VirtualMachine', vm, { ...vm, networks: [{ network: 'n', ip: '10.1.1.77', mac: '02:00:00:00:00:09' }] }, { state: 'Running', host: 'h3', storage: 'ps2' });
    nothing('VirtualMachine', vm, vm, { state: 'Running', host: 'h4', nics: [{ ip: '10.1.1.78', mac: 'x' }] });
    // A fixed address in git is checked against either place.
    nothing('VirtualMachine', { ...vm, networks: [{ network: 'n', ip: '10.1.1.78' }] }, vm, { state: 'Running', nics: [{ ip: '10.1.1.78' }] });
    const net = { zone: 'z', type: 'Isolated', cidr: '10.1.1.0/24' };
    nothing('Network', { ...net, vlan: 'auto' }, { ...net, vlan: 123, gateway: '10.1.1.1' });
    nothing('Network', net, { ...net, vlan: 'auto' }, { vlan: 123 });
    nothing('Network', { ...net, vlan: 123 }, { ...net, vlan: 'auto' }, { vlan: 123 });
    nothing('PublicIp', { zone: 'z', address: 'auto' }, { zone: 'z', address: '192.168.2.9' });
    nothing('PublicIp', { zone: 'z' }, { zone: 'z' }, { address: '192.168.2.9' });
    nothing('Host', { cluster: 'c', url: 'u' }, { cluster: 'c', url: 'u', cpuCores: 64, cpuMhz: 3000, memoryMiB: 512000 }, { state: 'Up', usedMhz: 1000 });
    nothing('Volume', { zone: 'z', diskOffering: 'd' }, { zone: 'z', diskOffering: 'd', sizeGiB: 50 }, { storage: 'ps1' });
    nothing('Template', { url: 'u', format: 'RAW', hypervisor: 'KVM' }, { url: 'u', format: 'RAW', hypervisor: 'KVM', sizeGiB: 3 });
    nothing('PrimaryStorage', { scope: 'Zone', zone: 'z', url: 'u' }, { scope: 'Zone', zone: 'z', url: 'u', capacityGiB: 1000 }, { usedGiB: 12 });
  });

  it('a fixed VLAN or address in git that the world does not have is a replace', () => {
    const net = { zone: 'z', type: 'Isolated', cidr: '10.1.1.0/24' };
    expect(reconcile('Network', { ...net, vlan: 124 }, { ...net, vlan: 'auto' }, { vlan: 123 })[0]).toMatchObject({
      op: 'replace',
      fields: [{ path: 'vlan', from: 123, to: 124 }],
    });
    expect(reconcile('PublicIp', { zone: 'z', address: '192.168.2.10' }, { zone: 'z', address: 'auto' }, { address: '192.168.2.9' })[0]).toMatchObject({ op: 'replace' });
  });
});
