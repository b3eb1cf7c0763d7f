/**
 * The provider router: KVM clusters and what runs on them go to libvirt, the rest to the simulator;
 * a data center without KVM never reaches libvirt and keeps the simulator's change token.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fixedCatalog } from '../../providers/libvirt/catalog.js';
import { Ledger } from '../../providers/libvirt/ledger.js';
import { LibvirtProvider } from '../../providers/libvirt/libvirt-provider.js';
import type { ObservedResource, Provider } from '../../providers/provider.js';
import { ProviderRouter } from '../../providers/provider-router.js';
import type { Action } from '../../reconcilers/action.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function fakeSimulator(world: ObservedResource[]): Provider & { applied: Action[] } {
  const applied: Action[] = [];
  return {
    name: 'simulator',
    applied,
    kinds: () => ['Zone', 'Pod', 'Cluster', 'Host', 'VirtualMachine', 'ServiceOffering'],
    observe: async (scope) => world.filter((o) => !scope.kinds || scope.kinds.includes(o.kind)),
    apply: async (a) => {
      applied.push(a);
      return { externalId: `sim-${a.name}` };
    },
    changeToken: async () => 'sim-token-7',
  };
}

const obs = (kind: ObservedResource['kind'], name: string, spec: Record<string, unknown>): ObservedResource => ({ kind, name, externalId: `sim-${name}`, managed: true, spec, status: {} });
const act = (op: Action['op'], kind: Action['kind'], name: string, extra: Partial<Action> = {}): Action => ({ id: `${op}:${kind}//${name}`, op, kind, name, reason: 't', fields: [], dependsOn: [], destructive: false, ...extra });
const signal = () => new AbortController().signal;

function router(world: ObservedResource[], hosts: string[] = []) {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-router-'));
  dirs.push(stateDir);
  const ledger = new Ledger(stateDir);
  for (const h of hosts) ledger.put({ kind: 'Host', name: h, spec: { cluster: 'kvm1', url: 'qemu+unix:///system?socket=/nonexistent' } });
  const libvirt = new LibvirtProvider({ stateDir, catalog: fixedCatalog([]) });
  const libvirtApplied: Action[] = [];
  vi.spyOn(libvirt, 'apply').mockImplementation(async (a) => {
    libvirtApplied.push(a);
    return { externalId: `libvirt:x:${a.name}` };
  });
  const observeSpy = vi.spyOn(libvirt, 'observe').mockImplementation(async () => []);
  const sim = fakeSimulator(world);
  return { r: new ProviderRouter(sim, libvirt), sim, libvirtApplied, observeSpy };
}

const topology = [
  obs('Pod', 'pod-kvm', { zone: 'zk' }),
  obs('Pod', 'pod-sim', { zone: 'zs' }),
  obs('Cluster', 'kvm1', { pod: 'pod-kvm', hypervisor: 'KVM' }),
  obs('Cluster', 'sim1', { pod: 'pod-sim', hypervisor: 'Simulator' }),
];

describe('provider router', () => {
  it('without KVM hosts: observe and the change token are the simulator\'s, libvirt is not asked', async () => {
    const { r, observeSpy } = router(topology);
    expect(await r.observe({}, signal())).toHaveLength(4);
    expect(observeSpy).not.toHaveBeenCalled();
    expect(await r.changeToken(signal())).toBe('sim-token-7');
  });

  it('with KVM hosts: libvirt is observed too, and there is no change token', async () => {
    const { r, observeSpy } = router(topology, ['kh1']);
    await r.observe({}, signal());
    expect(observeSpy).toHaveBeenCalledTimes(1);
    expect(await r.changeToken(signal())).toBeUndefined();
    // A scope without libvirt kinds does not reach it.
    await r.observe({ kinds: ['Zone'] }, signal());
    expect(observeSpy).toHaveBeenCalledTimes(1);
  });

  it('routes by cluster hypervisor, zone, template hypervisor, placement host and externalId', async () => {
    const { r, sim, libvirtApplied } = router(topology, ['kh1']);
    const cases: [Action, 'libvirt' | 'simulator'][] = [
      [act('create', 'Host', 'kh2', { spec: { cluster: 'kvm1', url: 'qemu:///system' } }), 'libvirt'],
      [act('create', 'Host', 'sh1', { spec: { cluster: 'sim1', url: 'sim://h' } }), 'simulator'],
      [act('create', 'PrimaryStorage', 'ps', { spec: { scope: 'Cluster', cluster: 'kvm1', url: 'dir:///x' } }), 'libvirt'],
      [act('create', 'PrimaryStorage', 'zps', { spec: { scope: 'Zone', zone: 'zs', url: 'sim://x' } }), 'simulator'],
      [act('create', 'Template', 't', { spec: { hypervisor: 'KVM' } }), 'libvirt'],
      [act('create', 'Template', 't2', { spec: { hypervisor: 'Simulator' } }), 'simulator'],
      [act('create', 'VirtualMachine', 'v', { owner: 'account:a', spec: { zone: 'zs' }, placement: { host: 'kh1' } }), 'libvirt'],
      [act('create', 'VirtualMachine', 'v2', { owner: 'account:a', spec: { zone: 'zk' }, placement: { host: 'sh1' } }), 'simulator'],
      [act('create', 'Network', 'n', { owner: 'account:a', spec: { zone: 'zk' } }), 'libvirt'],
      [act('create', 'Network', 'n2', { owner: 'account:a', spec: { zone: 'zs' } }), 'simulator'],
      [act('delete', 'VirtualMachine', 'gone', { owner: 'account:a', externalId: 'libvirt:domain:1234' }), 'libvirt'],
      [act('create', 'ServiceOffering', 'small', { spec: {} }), 'simulator'],
      [act('create', 'SecurityGroup', 'sg', { owner: 'account:a', spec: {} }), 'simulator'],
      [act('create', 'PublicIp', 'ip1', { owner: 'account:a', spec: { zone: 'zk' } }), 'libvirt'],
      [act('create', 'PublicIp', 'ip2', { owner: 'account:a', spec: { zone: 'zs' } }), 'simulator'],
      // Mixed clusters and a public IP never observed: the simulator.
      [act('create', 'FirewallRule', 'fw', { owner: 'account:a', spec: { publicIp: 'ip1' } }), 'simulator'],
    ];
    for (const [a] of cases) await r.apply(a, signal());
    for (const [a, where] of cases) expect((where === 'libvirt' ? libvirtApplied : sim.applied).includes(a), `${a.id} → ${where}`).toBe(true);
  });

  it('a cluster created in the same apply is known to the actions after it', async () => {
    const { r, libvirtApplied } = router([]);
    await r.apply(act('create', 'Pod', 'p', { spec: { zone: 'z9' } }), signal());
    await r.apply(act('create', 'Cluster', 'c', { spec: { pod: 'p', hypervisor: 'KVM' } }), signal());
    await r.apply(act('create', 'Network', 'n', { owner: 'account:a', spec: { zone: 'z9' } }), signal());
    expect(libvirtApplied.map((a) => a.name)).toEqual(['n']);
    // Every cluster is KVM: security groups go to libvirt too.
    await r.apply(act('create', 'SecurityGroup', 'sg', { owner: 'account:a', spec: {} }), signal());
    expect(libvirtApplied.map((a) => a.name)).toEqual(['n', 'sg']);
  });

  it('a firewall rule goes where observe saw its public IP', async () => {
    const { r, libvirtApplied, observeSpy } = router(topology, ['kh1']);
    observeSpy.mockImplementation(async () => [{ kind: 'PublicIp', name: 'ip1', owner: 'account:a', externalId: 'x', managed: true, spec: {}, status: {} }]);
    await r.observe({}, signal());
    await r.apply(act('create', 'PortForward', 'pf', { owner: 'account:a', spec: { publicIp: 'ip1' } }), signal());
    expect(libvirtApplied.map((a) => a.name)).toEqual(['pf']);
  });

  it('an action on an observed object goes where its id says, whatever its spec', async () => {
    const { r, sim, libvirtApplied } = router(topology, ['kh1']);
    await r.apply(act('orphan', 'Volume', 'data', { owner: 'account:a', externalId: 'libvirt:volume:kh1/p/v' }), signal());
    await r.apply(act('update', 'VirtualMachine', 'v', { owner: 'account:a', externalId: 'sim-123', spec: { zone: 'zk' } }), signal());
    expect(libvirtApplied.map((a) => a.name)).toEqual(['data']);
    expect(sim.applied.map((a) => a.name)).toEqual(['v']);
  });

  it('the catalog libvirt reads comes from the simulator', async () => {
    const { r } = router([obs('ServiceOffering', 'tiny', { cpuCores: 1, memoryMiB: 64 })]);
    expect(await r.catalog().spec('ServiceOffering', 'tiny', undefined, signal())).toEqual({ cpuCores: 1, memoryMiB: 64 });
    expect(await r.catalog().spec('ServiceOffering', 'none', undefined, signal())).toBeUndefined();
  });
});
