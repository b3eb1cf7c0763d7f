import { beforeAll, describe, expect, it } from 'vitest';
import type { DesiredModel, Resource } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import type { Action } from '../../reconcilers/action.js';
import type { Plan } from '../../reconcilers/plan.js';
import { plan } from '../../reconcilers/planner.js';
import { FakeWorld, find, loadExample, model, observe, orderViolations, res, withSpec } from './support.js';

let example: DesiredModel;
/** The example applied to an empty fake world. */
let applied: ObservedResource[];

beforeAll(async () => {
  example = await loadExample();
  applied = new FakeWorld().apply(plan(example, [])).observe();
});

const ids = (p: Plan) => p.actions.map((a) => a.id);
const position = (p: Plan, id: string) => {
  const i = p.actions.findIndex((a) => a.id === id);
  if (i < 0) throw new Error(`no action ${id} in ${ids(p).join(', ')}`);
  return i;
};
const before = (p: Plan, first: string, then: string) => expect(position(p, first), `${first} before ${then}`).toBeLessThan(position(p, then));
/** Every action `id` transitively waits for. */
function waitsFor(p: Plan, id: string): Set<string> {
  const byId = new Map(p.actions.map((a) => [a.id, a] as const));
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.dependsOn ?? [])];
  while (stack.length) {
    const d = stack.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    stack.push(...(byId.get(d)?.dependsOn ?? []));
  }
  return seen;
}
const edit = (m: DesiredModel, kind: Resource['kind'], name: string, patch: Record<string, unknown>): DesiredModel => ({
  ...m,
  resources: m.resources.map((r) => (r.kind === kind && r.name === name ? withSpec(r, patch) : r)),
});
const without = (m: DesiredModel, keep: (r: Resource) => boolean): DesiredModel => ({ ...m, resources: m.resources.filter(keep) });

describe('the example data center against an empty world', () => {
  it('creates everything, parent first: every dependsOn points to an earlier action', () => {
    const p = plan(example, []);
    expect(p.errors).toEqual([]);
    expect(p.summary).toMatchObject({ create: example.resources.length, update: 0, delete: 0, destructive: 0 });
    expect(orderViolations(p)).toEqual([]);
    const chain = [
      'create:Zone//zone1', 'create:Pod//pod1', 'create:Cluster//c1', 'create:Host//h1', 'create:PrimaryStorage//ps1',
      'create:VirtualMachine/account:acme/web-1', 'create:PortForward/account:acme/web-1-ssh',
    ];
    for (let i = 1; i < chain.length; i++) expect(waitsFor(p, chain[i]!)).toContain(chain[i - 1]);
    expect(waitsFor(p, 'create:Template//debian-12')).toContain('create:SecondaryStorage//ss1');
    expect(waitsFor(p, 'create:PublicIp/account:acme/web-ip')).toContain('create:Network/account:acme/web-net');
    const vm = p.actions.find((a) => a.id === 'create:VirtualMachine/account:acme/db-1')!;
    expect(vm.dependsOn).toEqual(
      expect.arrayContaining([
        'create:Zone//zone1', 'create:ServiceOffering//large-ssd', 'create:Template//debian-12', 'create:Network/account:acme/web-net',
        'create:Account//acme', 'create:Host//h1', 'create:PrimaryStorage//ps1',
      ]),
    );
    expect(waitsFor(p, 'create:Volume/account:acme/db-1-data')).toContain('create:VirtualMachine/account:acme/db-1');
    expect(waitsFor(p, 'create:Snapshot/account:acme/db-1-data-nightly')).toContain('create:Volume/account:acme/db-1-data');
    for (const rule of ['create:FirewallRule/account:acme/web-http', 'create:LoadBalancer/account:acme/web-lb']) {
      expect(waitsFor(p, rule)).toContain('create:PublicIp/account:acme/web-ip');
    }
  });

  it('independent actions carry no dependency: the zone, the offerings and the domain start together', () => {
    const p = plan(example, []);
    const free = p.actions.filter((a) => a.dependsOn.length === 0).map((a) => a.id);
    expect(free).toEqual(['create:Domain//customers', 'create:Zone//zone1', 'create:ServiceOffering//small', 'create:ServiceOffering//large-ssd', 'create:DiskOffering//data-50']);
    // Two hosts of a cluster do not wait for each other.
    expect(waitsFor(p, 'create:Host//h2')).not.toContain('create:Host//h1');
  });

  it('applied, then planned again: nothing to do', () => {
    const again = plan(example, applied);
    expect(again.actions).toEqual([]);
    expect(again.errors).toEqual([]);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(plan(example, []))).toEqual(JSON.stringify(plan(example, [])));
  });
});

describe('deletes', () => {
  it('removing everything deletes child first and orphans the stateful kinds', () => {
    const p = plan(model([]), applied, { allowMassDelete: true });
    expect(p.errors).toEqual([]);
    expect(orderViolations(p)).toEqual([]);
    const orphaned = p.actions.filter((a) => a.op === 'orphan').map((a) => a.kind).sort();
    expect(orphaned).toEqual(['PrimaryStorage', 'PrimaryStorage', 'SecondaryStorage', 'Snapshot', 'Template', 'Volume']);
    expect(p.summary).toMatchObject({ delete: applied.length - 6, orphan: 6, create: 0 });
    const chain = [
      'delete:PortForward/account:acme/web-1-ssh', 'delete:VirtualMachine/account:acme/web-1', 'delete:Network/account:acme/web-net', 'delete:Zone//zone1',
    ];
    for (let i = 1; i < chain.length; i++) expect(waitsFor(p, chain[i]!)).toContain(chain[i - 1]);
    // A host waits for the VMs on it; an account for everything it owns; a cluster for its hosts.
    expect([...waitsFor(p, 'delete:Host//h1')]).toEqual(expect.arrayContaining(['delete:VirtualMachine/account:acme/web-1', 'delete:VirtualMachine/account:acme/db-1']));
    expect([...waitsFor(p, 'delete:Account//acme')]).toEqual(expect.arrayContaining(['delete:Network/account:acme/web-net', 'delete:AffinityGroup/account:acme/web-spread']));
    expect(waitsFor(p, 'delete:Cluster//c1')).toContain('delete:Host//h2');
    expect(waitsFor(p, 'delete:Domain//customers')).toContain('delete:Account//acme');
    // Orphans wait for nothing; what a retained object points at is deleted after it leaves cairn's hands.
    for (const a of p.actions.filter((x) => x.op === 'orphan')) expect(a).toMatchObject({ dependsOn: [], destructive: false });
    expect(waitsFor(p, 'delete:VirtualMachine/account:acme/db-1')).toContain('orphan:Volume/account:acme/db-1-data');
    // Applied in any order the dependencies allow, no step finds a missing parent or a live child.
    for (const seed of [1, 2, 3]) {
      let x = seed;
      const w = new FakeWorld(applied).applyInAnyOrder(p, (n) => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % n));
      expect(w.violations).toEqual([]);
    }
  });

  it('a VM removed while a load balancer lets go of it: the delete waits for the update', () => {
    const m = edit(without(example, (r) => !(r.kind === 'PortForward') && r.name !== 'web-2'), 'LoadBalancer', 'web-lb', { vms: ['web-1'] });
    const p = plan(m, applied);
    expect(p.errors).toEqual([]);
    expect(ids(p).sort()).toEqual(['delete:PortForward/account:acme/web-1-ssh', 'delete:VirtualMachine/account:acme/web-2', 'update:LoadBalancer/account:acme/web-lb']);
    expect(p.actions.find((a) => a.op === 'delete' && a.kind === 'VirtualMachine')!.dependsOn).toEqual(['update:LoadBalancer/account:acme/web-lb']);
    expect(orderViolations(p)).toEqual([]);
  });

  it('a new VM taking the fixed address of a deleted one waits for the delete', () => {
    const web1 = find(example, 'VirtualMachine', 'web-1');
    const m = {
      ...example,
      resources: [
        ...example.resources.filter((r) => r !== web1 && r.kind !== 'PortForward' && r.kind !== 'LoadBalancer'),
        res('VirtualMachine', 'web-9', web1.doc.spec),
      ],
    };
    const p = plan(m, applied, { allowMassDelete: true });
    expect(p.actions.find((a) => a.id === 'create:VirtualMachine/account:acme/web-9')!.dependsOn).toContain('delete:VirtualMachine/account:acme/web-1');
    expect(orderViolations(p)).toEqual([]);
  });
});

describe('replacements and what points at them', () => {
  it('a VM replaced (new template): its port forward goes around it, its load balancer re-links after it', () => {
    const p = plan(edit(example, 'VirtualMachine', 'web-1', { template: 'debian-13' }), applied);
    expect(p.errors).toEqual([]);
    expect(orderViolations(p)).toEqual([]);
    expect(ids(p).sort()).toEqual([
      'create:PortForward/account:acme/web-1-ssh',
      'delete:PortForward/account:acme/web-1-ssh',
      'replace:VirtualMachine/account:acme/web-1',
      'update:LoadBalancer/account:acme/web-lb',
    ]);
    before(p, 'delete:PortForward/account:acme/web-1-ssh', 'replace:VirtualMachine/account:acme/web-1');
    expect(waitsFor(p, 'replace:VirtualMachine/account:acme/web-1')).toContain('delete:PortForward/account:acme/web-1-ssh');
    expect(waitsFor(p, 'create:PortForward/account:acme/web-1-ssh')).toContain('replace:VirtualMachine/account:acme/web-1');
    expect(p.actions.find((a) => a.op === 'update')).toMatchObject({ reason: 're-links to VirtualMachine acme/web-1, which is replaced', dependsOn: ['replace:VirtualMachine/account:acme/web-1'] });
    expect(p.actions.find((a) => a.id === 'delete:PortForward/account:acme/web-1-ssh')!.reason).toMatch(/replaced in two steps: VirtualMachine acme\/web-1 is replaced and it cannot outlive it/);
    const vm = p.actions.find((a) => a.op === 'replace')!;
    expect(vm.placement).toMatchObject({ host: 'h1' });
    expect(vm.fields).toEqual([{ path: 'template', from: 'debian-12', to: 'debian-13' }]);
  });

  it('a network replaced (new CIDR): everything on it is deleted before and created after it', () => {
    const m = edit(edit(edit(example, 'Network', 'web-net', { cidr: '10.1.2.0/24', gateway: '10.1.2.1' }), 'VirtualMachine', 'web-1', {
      networks: [{ network: 'web-net', ip: '10.1.2.10' }],
    }), 'VirtualMachine', 'db-1', { networks: [{ network: 'web-net', ip: '10.1.2.20' }] });
    const p = plan(m, applied, { allowMassDelete: true });
    expect(p.errors).toEqual([]);
    expect(orderViolations(p)).toEqual([]);
    const net = 'replace:Network/account:acme/web-net';
    for (const vm of ['web-1', 'web-2', 'db-1']) {
      before(p, `delete:VirtualMachine/account:acme/${vm}`, net);
      expect(waitsFor(p, `create:VirtualMachine/account:acme/${vm}`)).toContain(net);
    }
    for (const child of ['PublicIp/account:acme/web-ip', 'EgressRule/account:acme/web-out', 'FirewallRule/account:acme/web-http', 'PortForward/account:acme/web-1-ssh', 'LoadBalancer/account:acme/web-lb']) {
      expect(ids(p)).toEqual(expect.arrayContaining([`delete:${child}`, `create:${child}`]));
    }
    // The volume keeps its data: it is re-attached to the new db-1, not replaced.
    expect(p.actions.find((a) => a.kind === 'Volume')).toMatchObject({ op: 'update', destructive: false });
    expect(waitsFor(p, 'update:Volume/account:acme/db-1-data')).toContain('create:VirtualMachine/account:acme/db-1');
    // A replaced VM's own field changes ride on its create half.
    expect(p.actions.find((a) => a.id === 'create:VirtualMachine/account:acme/web-1')!.fields).toEqual([{ path: 'networks[0].ip', from: '10.1.1.10', to: '10.1.2.10' }]);
    // Applied, nothing is left to do.
    const world = new FakeWorld(applied).apply(p).observe();
    expect(plan(m, world).actions).toEqual([]);
  });

  it('the mass-delete guard counts replaces as destruction', () => {
    const m = edit(example, 'Network', 'web-net', { cidr: '10.1.2.0/24', gateway: '10.1.2.1' });
    const p = plan(m, applied);
    expect(p.errors.map((e) => e.code)).toContain('mass-delete');
  });
});

describe('safety', () => {
  it('refuses a plan deleting more than 10% of the managed objects, unless allowed', () => {
    const m = without(example, (r) => r.tenant === undefined); // "rm -r tenants/"
    const p = plan(m, applied);
    const guard = p.errors.find((e) => e.code === 'mass-delete');
    expect(guard?.message).toMatch(/^this plan would destroy \d+ of the 30 managed objects in the world \(\d+(\.\d)?%, over the 10% allowed\)/);
    expect(guard?.message).toMatch(/--allow-mass-delete/);
    expect(p.actions.length).toBeGreaterThan(0); // still shown
    expect(plan(m, applied, { allowMassDelete: true }).errors).toEqual([]);
    expect(plan(m, applied, { maxDeleteFraction: 0.9 }).errors).toEqual([]);
  });

  it('a small deletion passes; orphans do not count', () => {
    const one = without(example, (r) => r.kind !== 'PortForward');
    expect(plan(one, applied).errors).toEqual([]);
    const data = without(example, (r) => r.kind !== 'Volume' && r.kind !== 'Snapshot' && r.kind !== 'Template' && r.kind !== 'PrimaryStorage');
    const p = plan(data, applied, { maxDeleteFraction: 0 });
    expect(p.summary).toMatchObject({ orphan: 5, delete: 0 });
    expect(p.errors).toEqual([]);
  });

  it('quotas are checked against what stays in the world: orphans and unmanaged objects count', () => {
    const limited = edit(example, 'Account', 'acme', { limits: { vms: 3, volumes: 1 } });
    expect(plan(limited, applied).errors).toEqual([]);
    const oldVolume = observe(res('Volume', 'old-data', { zone: 'zone1', sizeGiB: 5 }));
    const foreignVm: ObservedResource = { ...observe(res('VirtualMachine', 'stray', { serviceOffering: 'small' })), managed: false, status: { state: 'Running' } };
    const p = plan(limited, [...applied, oldVolume, foreignVm]);
    expect(p.actions.map((a) => a.id).sort()).toEqual(['orphan:Volume/account:acme/old-data', 'update:Account//acme']);
    expect(p.errors.map((e) => e.message)).toEqual([
      'account acme would hold 4 virtual machines after this plan, over its limit vms: 3 (3 in git and 1 kept in the world outside git: VirtualMachine acme/stray (unmanaged))',
      'account acme would hold 2 volumes after this plan, over its limit volumes: 1 (1 in git and 1 kept in the world outside git: Volume acme/old-data (orphaned))',
    ]);
    expect(p.errors[0]).toMatchObject({ code: 'quota', kind: 'Account', name: 'acme' });
  });

  it('a dependency cycle is a plan error naming it', () => {
    const m = model([res('Domain', 'a', { parent: 'b' }), res('Domain', 'b', { parent: 'a' }), res('Domain', 'c', { parent: 'ROOT' })]);
    const p = plan(m, []);
    expect(p.actions).toHaveLength(3);
    expect(p.actions[0]!.id).toBe('create:Domain//c');
    expect(p.errors).toEqual([
      {
        code: 'cycle',
        kind: 'Domain',
        name: 'a',
        owner: undefined,
        actions: ['create:Domain//a', 'create:Domain//b', 'create:Domain//a'],
        message: 'dependency cycle: create Domain a → create Domain b → create Domain a (each waits for the next)',
      },
    ]);
  });

  it('two managed objects with one identity: a plan error, the first by provider id is kept', () => {
    const zone = find(example, 'Zone', 'zone1');
    const p = plan(model([zone]), [observe(zone), { ...observe(zone), externalId: 'zzz' }]);
    expect(p.actions).toEqual([]);
    expect(p.errors).toMatchObject([{ code: 'duplicate', kind: 'Zone', name: 'zone1', message: expect.stringMatching(/exists twice in the world/) }]);
  });
});

describe('updates', () => {
  it('an update that references something new waits for its creation', () => {
    const m = edit(
      { ...example, resources: [...example.resources, res('VirtualMachine', 'web-3', { zone: 'zone1', serviceOffering: 'small', template: 'debian-12', networks: [{ network: 'web-net' }] })] },
      'LoadBalancer',
      'web-lb',
      { vms: ['web-1', 'web-2', 'web-3'] },
    );
    const p = plan(m, applied);
    expect(p.actions.map((a: Action) => a.id)).toEqual(['create:VirtualMachine/account:acme/web-3', 'update:LoadBalancer/account:acme/web-lb']);
    expect(p.actions[1]).toMatchObject({ dependsOn: ['create:VirtualMachine/account:acme/web-3'], fields: [{ path: 'vms', from: ['web-1', 'web-2'], to: ['web-1', 'web-2', 'web-3'] }] });
    expect(p.actions[0]!.placement).toEqual({ host: 'h1', storage: 'ps1' });
  });

  it('stopping one VM in git is exactly one action', () => {
    const p = plan(edit(example, 'VirtualMachine', 'web-2', { state: 'Stopped' }), applied);
    expect(p.actions).toMatchObject([{ id: 'stop:VirtualMachine/account:acme/web-2', op: 'stop', dependsOn: [] }]);
  });
});
