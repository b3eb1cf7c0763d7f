import { describe, expect, it } from 'vitest';
import type { Resource } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import type { Plan } from '../../reconcilers/plan.js';
import { plan } from '../../reconcilers/planner.js';
import { FakeWorld, find, loadExample, model, observe, res } from './support.js';

/**
 * A zone with clusters of small hosts: each host has 4 cores × 1000 MHz and 4096 MiB, so it takes
 * two `small` VMs (2 cores × 1000 MHz, 2048 MiB) without overcommit.
 */
function infra(opts: { hosts?: Record<string, Record<string, unknown>>; clusters?: Record<string, Record<string, unknown>>; pools?: Record<string, Record<string, unknown>> } = {}): Resource[] {
  const clusters = opts.clusters ?? { c1: {} };
  const hosts = opts.hosts ?? { h1: {}, h2: {}, h3: {} };
  const pools = opts.pools ?? { ps1: { scope: 'Zone', zone: 'z1', capacityGiB: 1000 } };
  return [
    res('Zone', 'z1', { networkType: 'Advanced' }),
    res('Pod', 'p1', { zone: 'z1', gateway: '172.16.0.1', netmask: '255.255.255.0', startIp: '172.16.0.2', endIp: '172.16.0.9' }),
    ...Object.entries(clusters).map(([name, spec]) => res('Cluster', name, { pod: 'p1', hypervisor: 'Simulator', ...spec })),
    ...Object.entries(hosts).map(([name, spec]) => res('Host', name, { cluster: 'c1', url: `sim://${name}`, cpuCores: 4, cpuMhz: 1000, memoryMiB: 4096, ...spec })),
    ...Object.entries(pools).map(([name, spec]) => res('PrimaryStorage', name, { url: `sim://${name}`, ...spec })),
    res('ServiceOffering', 'small', { cpuCores: 2, cpuMhz: 1000, memoryMiB: 2048 }),
    res('ServiceOffering', 'tagged', { cpuCores: 1, cpuMhz: 1000, memoryMiB: 512, hostTags: ['gpu'], storageTags: ['ssd'] }),
    res('Template', 't', { url: 'sim://t', format: 'QCOW2', hypervisor: 'Simulator', sizeGiB: 10 }),
    res('Account', 'acme', {}),
    res('Network', 'n', { zone: 'z1', type: 'Isolated', cidr: '10.1.1.0/24' }),
  ];
}

const vm = (name: string, spec: Record<string, unknown> = {}) =>
  res('VirtualMachine', name, { zone: 'z1', serviceOffering: 'small', template: 't', networks: [{ network: 'n' }], ...spec });

/** VM name → chosen host, for the VMs the plan creates or replaces. */
const hostsOf = (p: Plan): Record<string, string | undefined> =>
  Object.fromEntries(p.actions.filter((a) => a.kind === 'VirtualMachine' && a.spec).map((a) => [a.name, a.placement?.host as string | undefined]));

describe('placement', () => {
  it('first fit, hosts in name order, filling each before the next', () => {
    const p = plan(model([...infra(), ...['a', 'b', 'c', 'd', 'e'].map((n) => vm(n))]), []);
    expect(p.errors).toEqual([]);
    expect(hostsOf(p)).toEqual({ a: 'h1', b: 'h1', c: 'h2', d: 'h2', e: 'h3' });
    const a = p.actions.find((x) => x.name === 'a')!;
    expect(a.placement).toEqual({ host: 'h1', storage: 'ps1' });
    expect(a.dependsOn).toEqual(expect.arrayContaining(['create:Host//h1', 'create:PrimaryStorage//ps1']));
  });

  it('honours the cluster overcommit for CPU and memory', () => {
    const hosts = { h1: {}, h2: {} };
    const cpu = plan(model([...infra({ hosts, clusters: { c1: { overcommit: { cpu: 2 } } } }), ...['a', 'b', 'c'].map((n) => vm(n))]), []);
    // CPU allows four per host now, memory still two.
    expect(hostsOf(cpu)).toEqual({ a: 'h1', b: 'h1', c: 'h2' });
    const both = plan(model([...infra({ hosts, clusters: { c1: { overcommit: { cpu: 2, memory: 2 } } } }), ...['a', 'b', 'c', 'd', 'e'].map((n) => vm(n))]), []);
    expect(hostsOf(both)).toEqual({ a: 'h1', b: 'h1', c: 'h1', d: 'h1', e: 'h2' });
  });

  it('a VM never gets more cores than a host has (times overcommit)', () => {
    const big = res('ServiceOffering', 'big', { cpuCores: 6, cpuMhz: 100, memoryMiB: 128 });
    const p = plan(model([...infra({ hosts: { h1: {} } }), big, vm('a', { serviceOffering: 'big' })]), []);
    expect(p.errors.map((e) => e.message)).toEqual([expect.stringMatching(/h1: too small for this offering/)]);
    const ok = plan(model([...infra({ hosts: { h1: {} }, clusters: { c1: { overcommit: { cpu: 2 } } } }), big, vm('a', { serviceOffering: 'big' })]), []);
    expect(hostsOf(ok)).toEqual({ a: 'h1' });
  });

  it('host tags: only hosts carrying every tag of the offering', () => {
    const p = plan(
      model([...infra({ hosts: { h1: {}, h2: { tags: ['gpu'] } }, pools: { ps1: { scope: 'Zone', zone: 'z1', tags: ['ssd'] } } }), vm('a', { serviceOffering: 'tagged' })]),
      [],
    );
    expect(hostsOf(p)).toEqual({ a: 'h2' });
  });

  it('storage tags: a host must reach a pool carrying the tags, and that pool is chosen', () => {
    const p = plan(
      model([
        ...infra({
          hosts: { h1: { tags: ['gpu'] }, h2: { tags: ['gpu'], cluster: 'c2' } },
          clusters: { c1: {}, c2: {} },
          pools: { ps1: { scope: 'Cluster', cluster: 'c1' }, ps2: { scope: 'Cluster', cluster: 'c2', tags: ['ssd'] }, ps3: { scope: 'Zone', zone: 'z1' } },
        }),
        vm('a', { serviceOffering: 'tagged' }),
        vm('b'),
      ]),
      [],
    );
    expect(p.actions.find((a) => a.name === 'a')!.placement).toEqual({ host: 'h2', storage: 'ps2' });
    // Cluster pools before zone-wide ones.
    expect(p.actions.find((a) => a.name === 'b')!.placement).toEqual({ host: 'h1', storage: 'ps1' });
  });

  it('a full pool sends the VM to a host that reaches another', () => {
    const p = plan(
      model([
        ...infra({
          hosts: { h1: {}, h2: { cluster: 'c2' } },
          clusters: { c1: {}, c2: {} },
          pools: { ps1: { scope: 'Cluster', cluster: 'c1', capacityGiB: 15 }, ps2: { scope: 'Cluster', cluster: 'c2', capacityGiB: 100 } },
        }),
        vm('a'),
        vm('b'),
      ]),
      [],
    );
    expect(p.actions.filter((a) => a.kind === 'VirtualMachine').map((a) => a.placement)).toEqual([
      { host: 'h1', storage: 'ps1' },
      { host: 'h2', storage: 'ps2' },
    ]);
  });

  it('anti-affinity spreads web-1 and web-2 of the example over distinct hosts; db-1 goes where its tags lead', async () => {
    const example = await loadExample();
    const p = plan(example, []);
    expect(p.errors).toEqual([]);
    const h = hostsOf(p);
    expect(h).toEqual({ 'web-1': 'h1', 'web-2': 'h2', 'db-1': 'h1' });
    expect(p.actions.find((a) => a.id === 'create:Volume/account:acme/db-1-data')!.placement).toEqual({ storage: 'ps1' });
  });

  it('anti-affinity counts VMs already in the world', () => {
    const group = res('AffinityGroup', 'spread', { type: 'host-anti-affinity' });
    const old = vm('old', { affinityGroups: ['spread'] });
    const p = plan(model([...infra(), group, old, vm('a', { affinityGroups: ['spread'] }), vm('b', { affinityGroups: ['spread'] })]), [observe(old, { state: 'Running', host: 'h1' })]);
    expect(hostsOf(p)).toEqual({ a: 'h2', b: 'h3' });
    const full = plan(model([...infra({ hosts: { h1: {} } }), group, old, vm('a', { affinityGroups: ['spread'] })]), [observe(old, { state: 'Running', host: 'h1' })]);
    expect(full.errors).toMatchObject([{ code: 'placement', name: 'a', message: expect.stringMatching(/h1: anti-affinity group spread already has a VM there/) }]);
  });

  it('affinity co-locates the group, with the VMs already placed', () => {
    const group = res('AffinityGroup', 'together', { type: 'host-affinity' });
    const p = plan(model([...infra({ clusters: { c1: { overcommit: { cpu: 4, memory: 4 } } } }), group, ...['a', 'b', 'c'].map((n) => vm(n, { affinityGroups: ['together'] }))]), []);
    expect(new Set(Object.values(hostsOf(p)))).toEqual(new Set(['h1']));
    const old = vm('old', { affinityGroups: ['together'] });
    const q = plan(model([...infra(), group, old, vm('a', { affinityGroups: ['together'] }), vm('b', { affinityGroups: ['together'] })]), [observe(old, { state: 'Running', host: 'h3' })]);
    // h3 had room for one more: the second cannot follow the group.
    expect(hostsOf(q)).toEqual({ a: 'h3', b: undefined });
    expect(q.errors).toMatchObject([{ code: 'placement', name: 'b', message: expect.stringMatching(/not the host of affinity group together \(h3\)/) }]);
  });

  it('skips hosts that are not Up, Disabled or in Maintenance (in git or in the world)', () => {
    const hosts = { h1: {}, h2: { state: 'Maintenance' }, h3: {}, h4: {}, h5: {} };
    const resources = [...infra({ hosts }), ...['a', 'b'].map((n) => vm(n))];
    const world: ObservedResource[] = [
      observe(find(model(resources), 'Host', 'h1'), { state: 'Down' }),
      observe(find(model(resources), 'Host', 'h3'), { state: 'Up' }, { ...find(model(resources), 'Host', 'h3').doc.spec, state: 'Disabled' }),
      observe(find(model(resources), 'Host', 'h4'), { state: 'Up' }),
    ];
    const p = plan(model(resources), world);
    expect(hostsOf(p)).toEqual({ a: 'h4', b: 'h4' });
    const none = plan(model([...infra({ hosts: { h1: {}, h2: { state: 'Disabled' } } }), vm('a')]), [observe(find(model(infra()), 'Host', 'h1'), { state: 'Down' })]);
    expect(none.errors[0]!.message).toMatch(/h1: not Up \(Down\); h2: allocation state Disabled/);
  });

  it('an already-placed VM keeps its host, and its share counts', () => {
    const old = vm('old');
    const p = plan(model([...infra(), old, vm('a'), vm('b')]), [observe(old, { state: 'Running', host: 'h2' })]);
    expect(p.actions.find((a) => a.name === 'old')).toBeUndefined();
    expect(hostsOf(p)).toEqual({ a: 'h1', b: 'h1' });
    // Foreign VMs take room too.
    const foreign: ObservedResource = { ...observe(vm('foreign')), managed: false, status: { host: 'h1', cpuCores: 4, cpuMhz: 1000, memoryMiB: 4096 } };
    expect(hostsOf(plan(model([...infra(), vm('a')]), [foreign]))).toEqual({ a: 'h2' });
  });

  it('a Stopped VM gives its host back, unless git wants it Running', () => {
    const hosts = { h1: {}, h2: {} };
    const old = vm('old', { state: 'Stopped' });
    const stopped = observe(old, { state: 'Stopped', host: 'h1' });
    expect(hostsOf(plan(model([...infra({ hosts }), old, vm('a'), vm('b')]), [stopped]))).toEqual({ a: 'h1', b: 'h1' });
    const toStart = vm('old');
    const p = plan(model([...infra({ hosts }), toStart, vm('a'), vm('b')]), [stopped]);
    expect(p.actions.find((a) => a.op === 'start')?.name).toBe('old');
    expect(hostsOf(p)).toEqual({ a: 'h1', b: 'h2' });
  });

  it('a replaced VM is placed again and may keep its old host (its old share is its own)', () => {
    const hosts = { h1: {}, h2: {} };
    const a = vm('a');
    const b = vm('b');
    const world = [observe(a, { state: 'Running', host: 'h1' }, { ...a.doc.spec, template: 'old' }), observe(b, { state: 'Running', host: 'h1' })];
    const p = plan(model([...infra({ hosts }), a, b]), world);
    expect(p.actions.find((x) => x.name === 'a')).toMatchObject({ op: 'replace', placement: { host: 'h1' } });
  });

  it('no host fits: a plan error naming the VM and why, not an exception; the rest is placed', () => {
    const p = plan(model([...infra({ hosts: { h1: {} } }), vm('a'), vm('b'), vm('c')]), []);
    expect(hostsOf(p)).toEqual({ a: 'h1', b: 'h1', c: undefined });
    expect(p.errors).toEqual([
      {
        code: 'placement',
        kind: 'VirtualMachine',
        name: 'c',
        owner: 'account:acme',
        actions: ['create:VirtualMachine/account:acme/c'],
        message: 'VirtualMachine acme/c: no host in zone z1 can take it (offering small: 2 × 1000 MHz, 2048 MiB; root disk 10 GiB): h1: not enough free CPU',
      },
    ]);
    const nowhere = plan(model([...infra(), vm('x', { zone: 'z9' })]), []);
    expect(nowhere.errors[0]!.message).toBe('VirtualMachine acme/x: zone z9 has no hosts');
  });

  it('hosts without declared capacity use what the world measured', () => {
    const hosts = { h1: { cpuCores: undefined, cpuMhz: undefined, memoryMiB: undefined } };
    const resources = infra({ hosts }).map((r) => (r.kind === 'Host' ? { ...r, doc: { ...r.doc, spec: { cluster: 'c1', url: 'sim://h1' } } } : r));
    const h1 = find(model(resources), 'Host', 'h1');
    const p = plan(model([...resources, vm('a'), vm('b')]), [observe(h1, { state: 'Up', cpuCores: 2, cpuMhz: 1000, memoryMiB: 2048 })]);
    expect(hostsOf(p)).toEqual({ a: 'h1', b: undefined });
  });

  it('is deterministic and does not depend on the order the world is listed in', async () => {
    const example = await loadExample();
    const world = new FakeWorld().apply(plan({ ...example, resources: example.resources.filter((r) => r.kind !== 'VirtualMachine') }, [])).observe();
    const a = plan(example, world);
    const b = plan(example, [...world].reverse());
    expect(JSON.stringify(b)).toEqual(JSON.stringify(a));
    expect(hostsOf(a)).toEqual({ 'web-1': 'h1', 'web-2': 'h2', 'db-1': 'h1' });
  });

  it('volumes go to a pool reachable from their VM\'s host', () => {
    const resources = [
      ...infra({ hosts: { h1: {}, h2: { cluster: 'c2' } }, clusters: { c1: {}, c2: {} }, pools: { ps1: { scope: 'Cluster', cluster: 'c1' }, ps2: { scope: 'Cluster', cluster: 'c2' } } }),
      vm('a'),
      res('Volume', 'data', { zone: 'z1', sizeGiB: 50, attachTo: 'a' }),
    ];
    const a = find(model(resources), 'VirtualMachine', 'a');
    const p = plan(model(resources), [observe(a, { state: 'Running', host: 'h2' })]);
    expect(p.actions.find((x) => x.kind === 'Volume')).toMatchObject({ id: 'create:Volume/account:acme/data', placement: { storage: 'ps2' } });
  });
});
