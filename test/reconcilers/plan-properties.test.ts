import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DesiredModel, Resource } from '../../desired-state/model.js';
import { referencesOf } from '../../desired-state/validate/references.js';
import type { ObservedResource } from '../../providers/provider.js';
import { keyOf, ownerOf } from '../../reconcilers/identity.js';
import { TENANT_KINDS } from '../../reconcilers/kind-order.js';
import type { Plan } from '../../reconcilers/plan.js';
import { plan } from '../../reconcilers/planner.js';
import { renderPlanJson } from '../../reconcilers/render-plan.js';
import { FakeWorld, loadExample, orderViolations, withSpec } from './support.js';

/*
 * Properties of plans over random data centers made from the example: any subset of it closed under
 * references (and tenancy), with random edits of immutable, updatable and power fields, against
 * worlds made by applying earlier plans and then disturbed from outside (drift).
 */

let example: DesiredModel;
beforeAll(async () => {
  example = await loadExample();
});

const keyOfResource = (r: Resource) => keyOf(r.kind, ownerOf(r), r.name);

/** Edits that keep a model loadable: each applies to resources of one kind. */
const EDITS: { kind: Resource['kind']; patch: Record<string, unknown> }[] = [
  { kind: 'VirtualMachine', patch: { state: 'Stopped' } },
  { kind: 'VirtualMachine', patch: { serviceOffering: 'large-ssd' } },
  { kind: 'VirtualMachine', patch: { rootDiskGiB: 20 } },
  { kind: 'VirtualMachine', patch: { affinityGroups: undefined } },
  { kind: 'VirtualMachine', patch: { displayName: 'renamed' } },
  { kind: 'VirtualMachine', patch: { userData: '#cloud-config' } },
  { kind: 'Network', patch: { cidr: '10.1.2.0/24', gateway: '10.1.2.1' } },
  { kind: 'Network', patch: { networkDomain: 'acme.internal' } },
  { kind: 'Volume', patch: { diskOffering: undefined, sizeGiB: 80 } },
  { kind: 'Volume', patch: { deletionPolicy: 'Delete' } },
  { kind: 'Volume', patch: { attachTo: undefined } },
  { kind: 'LoadBalancer', patch: { vms: ['web-1'], algorithm: 'leastconn' } },
  { kind: 'FirewallRule', patch: { ports: '443' } },
  { kind: 'PortForward', patch: { privatePort: 2022 } },
  { kind: 'PublicIp', patch: { address: '192.168.2.50' } },
  { kind: 'SecurityGroup', patch: { ingress: [] } },
  { kind: 'Host', patch: { tags: [] } },
  { kind: 'Host', patch: { state: 'Maintenance' } },
  { kind: 'ServiceOffering', patch: { memoryMiB: 2048 } },
  { kind: 'Template', patch: { osType: 'Debian 12' } },
  { kind: 'Template', patch: { deletionPolicy: 'Delete' } },
  { kind: 'Cluster', patch: { overcommit: { cpu: 4, memory: 2 } } },
  { kind: 'Snapshot', patch: { keep: 3 } },
  { kind: 'Account', patch: { limits: {} } },
  { kind: 'Zone', patch: { dns: ['8.8.8.8'] } },
  { kind: 'Zone', patch: { securityGroups: true } },
];

/** The resources `chosen` need: what they reference, and their tenants, transitively. */
function closure(all: readonly Resource[], chosen: readonly Resource[]): Resource[] {
  const byKey = new Map(all.map((r) => [keyOfResource(r), r] as const));
  const keep = new Set<Resource>();
  const stack = [...chosen];
  while (stack.length) {
    const r = stack.pop()!;
    if (keep.has(r)) continue;
    keep.add(r);
    const owner = ownerOf(r);
    for (const ref of referencesOf(r)) {
      const target = byKey.get(keyOf(ref.kind, TENANT_KINDS.has(ref.kind) ? owner : undefined, ref.name));
      if (target) stack.push(target);
    }
    if (r.tenant) {
      const tenant = byKey.get(keyOf(r.tenantType === 'project' ? 'Project' : 'Account', undefined, r.tenant));
      if (tenant) stack.push(tenant);
    }
  }
  return all.filter((r) => keep.has(r));
}

/** A random valid data center: a subset of the example, edited, closed under references. */
const arbModel = () =>
  fc
    .record({
      picked: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
      edits: fc.array(fc.record({ at: fc.nat(), edit: fc.nat({ max: EDITS.length - 1 }) }), { maxLength: 4 }),
    })
    .map(({ picked, edits }): DesiredModel => {
      let resources = example.resources.map((r) => r);
      for (const { at, edit } of edits) {
        const { kind, patch } = EDITS[edit]!;
        const ofKind = resources.filter((r) => r.kind === kind);
        if (ofKind.length === 0) continue;
        const target = ofKind[at % ofKind.length]!;
        resources = resources.map((r) => (r === target ? withSpec(r, patch) : r));
      }
      const chosen = resources.filter((_, i) => picked[i % picked.length]);
      return { revision: null, resources: closure(resources, chosen) };
    });

/** Disturbances from outside cairn. */
const arbDrift = fc.array(
  fc.record({
    at: fc.nat(),
    what: fc.constantFrom('delete', 'stop-vm', 'start-vm', 'error-vm', 'offering', 'forget-host', 'foreign'),
  }),
  { maxLength: 3 },
);

function drift(world: ObservedResource[], changes: { at: number; what: string }[]): ObservedResource[] {
  let w = world.map((o) => structuredClone(o));
  for (const { at, what } of changes) {
    if (w.length === 0) break;
    const vms = w.filter((o) => o.kind === 'VirtualMachine' && o.managed);
    const o = w[at % w.length]!;
    const vm = vms.length ? vms[at % vms.length]! : undefined;
    switch (what) {
      case 'delete':
        w = w.filter((x) => x !== o);
        break;
      case 'stop-vm':
        if (vm) vm.status.state = 'Stopped';
        break;
      case 'start-vm':
        if (vm) vm.status.state = 'Running';
        break;
      case 'error-vm':
        if (vm) vm.status.state = 'Error';
        break;
      case 'offering':
        if (vm) vm.spec.serviceOffering = vm.spec.serviceOffering === 'small' ? 'large-ssd' : 'small';
        break;
      case 'forget-host':
        if (vm) delete vm.status.host;
        break;
      case 'foreign':
        w.push({ ...structuredClone(o), name: `${o.name}-foreign`, externalId: `foreign-${at}`, managed: false });
        break;
    }
  }
  return w;
}

/** A seeded choice among ready actions. */
const picker = (seed: number) => {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
};

const NO_GUARD = { allowMassDelete: true };
/** `CAIRN_PROPERTY_RUNS=50` multiplies the runs, for a longer search than CI's. */
const runs = (n: number) => ({ numRuns: n * Math.max(1, Number(process.env.CAIRN_PROPERTY_RUNS ?? 1)) });

function expectSound(p: Plan): void {
  expect(orderViolations(p)).toEqual([]);
  expect(p.errors.filter((e) => e.code === 'cycle')).toEqual([]);
  expect(new Set(p.actions.map((a) => a.id)).size).toBe(p.actions.length);
}

describe('plan properties', () => {
  it('plan(apply(plan)) is empty: from an empty world, in any order the dependencies allow', () => {
    fc.assert(
      fc.property(arbModel(), fc.integer(), (m, seed) => {
        const first = plan(m, []);
        expectSound(first);
        expect(first.summary.create).toBe(m.resources.length);
        const world = new FakeWorld().applyInAnyOrder(first, picker(seed));
        expect(world.violations).toEqual([]);
        const second = plan(m, world.observe());
        expect(second.actions.map((a) => a.id)).toEqual([]);
      }),
      runs(60),
    );
  });

  it('from any world made by earlier plans and disturbed from outside, one apply converges', () => {
    fc.assert(
      fc.property(arbModel(), arbModel(), arbDrift, fc.integer(), (before, after, changes, seed) => {
        const start = drift(new FakeWorld().apply(plan(before, [])).observe(), changes);
        const p = plan(after, start, NO_GUARD);
        expectSound(p);
        const world = new FakeWorld(start).applyInAnyOrder(p, picker(seed));
        expect(world.violations).toEqual([]);
        const again = plan(after, world.observe(), NO_GUARD);
        expect(again.actions.map((a) => `${a.id} (${a.reason})`)).toEqual([]);
        // Foreign objects are never acted on.
        const foreign = new Set(start.filter((o) => !o.managed).map((o) => o.externalId));
        expect(p.actions.filter((a) => a.externalId !== undefined && foreign.has(a.externalId))).toEqual([]);
      }),
      runs(120),
    );
  });

  it('plans are deterministic, whatever order the world is listed in', () => {
    fc.assert(
      fc.property(arbModel(), arbModel(), arbDrift, fc.integer(), (before, after, changes, seed) => {
        const world = drift(new FakeWorld().apply(plan(before, [])).observe(), changes);
        const shuffled = [...world];
        const pick = picker(seed);
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = pick(i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const a = plan(after, world);
        expect(renderPlanJson(plan(after, world))).toEqual(renderPlanJson(a));
        expect(JSON.stringify(plan(after, shuffled))).toEqual(JSON.stringify(a));
      }),
      runs(60),
    );
  });

  it('the topological order holds for every plan, creates and deletes alike', () => {
    fc.assert(
      fc.property(arbModel(), arbModel(), (before, after) => {
        const world = new FakeWorld().apply(plan(before, [])).observe();
        expectSound(plan(after, world, NO_GUARD));
        expectSound(plan({ revision: null, resources: [] }, world, NO_GUARD));
      }),
      runs(60),
    );
  });
});
