/**
 * Test support for the reconcilers and the planner: desired resources built in memory (no loader,
 * no YAML), observed objects made from them, the example data center loaded once, and a tiny fake
 * provider that "applies" a plan to an in-memory world the way the contract says a provider must.
 */
import fs from 'node:fs';
import path from 'node:path';
import { exampleDatacenterDir } from '../../desired-state/example-datacenter.js';
import { loadDesiredState } from '../../desired-state/load.js';
import type { DesiredModel, Kind, Resource } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import type { Action } from '../../reconcilers/action.js';
import { keyOf, ownerOf, parseOwner } from '../../reconcilers/identity.js';
import { TENANT_KINDS } from '../../reconcilers/kind-order.js';
import type { Plan } from '../../reconcilers/plan.js';
import { forEachReference, type RefStrength } from '../../reconcilers/reference-edges.js';
import { makeTempDir } from '../support/desired-state-repo.js';

/** A desired resource; `owner` is an account name, or `project:NAME`. Tenant kinds default to account acme. */
export function res(kind: Kind, name: string, spec: Record<string, unknown>, owner?: string): Resource {
  const tenant = TENANT_KINDS.has(kind) ? (owner ?? 'acme') : undefined;
  const project = tenant?.startsWith('project:');
  const tenantName = project ? tenant!.slice('project:'.length) : tenant;
  const metadata: Record<string, unknown> = { name };
  if (tenantName !== undefined) metadata[project ? 'project' : 'account'] = tenantName;
  return {
    kind,
    name,
    tenant: tenantName,
    tenantType: tenantName === undefined ? undefined : project ? 'project' : 'account',
    source: { file: `${kind}.yaml`, docIndex: 0 },
    doc: { apiVersion: 'cairn.dev/v1', kind, metadata: metadata as { name: string }, spec },
  };
}

export function model(resources: readonly Resource[], revision: string | null = null): DesiredModel {
  return { revision, resources };
}

/** The world's view of a desired resource: managed, same spec, given status. */
export function observe(r: Resource, status: Record<string, unknown> = {}, spec?: Record<string, unknown>): ObservedResource {
  return {
    kind: r.kind,
    name: r.name,
    owner: ownerOf(r),
    externalId: `ext-${keyOf(r.kind, ownerOf(r), r.name)}`,
    managed: true,
    spec: structuredClone(spec ?? r.doc.spec),
    status,
  };
}

/** A desired resource with its spec changed. */
export function withSpec(r: Resource, patch: Record<string, unknown>): Resource {
  const spec = { ...r.doc.spec, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete spec[k];
  return { ...r, doc: { ...r.doc, spec } };
}

let exampleModel: DesiredModel | undefined;

/** The example data center (desired-state/example-datacenter), loaded once from a temp copy. */
export async function loadExample(): Promise<DesiredModel> {
  if (exampleModel) return exampleModel;
  const dir = makeTempDir('cairn-reconcilers-');
  fs.cpSync(exampleDatacenterDir(), dir, { recursive: true });
  const result = await loadDesiredState({ repo: dir, worktree: true, stateDir: false });
  if (!result.valid) throw new Error(`the example does not load: ${JSON.stringify(result.errors)}`);
  exampleModel = { revision: result.model.revision, resources: [...result.model.resources] };
  fs.rmSync(path.join(dir), { recursive: true, force: true });
  return exampleModel;
}

export const find = (m: DesiredModel, kind: Kind, name: string): Resource => {
  const r = m.resources.find((x) => x.kind === kind && x.name === name);
  if (!r) throw new Error(`no ${kind} ${name}`);
  return r;
};

/** Every `dependsOn` names an action earlier in the plan. */
export function orderViolations(plan: Plan): string[] {
  const seen = new Set<string>();
  const bad: string[] = [];
  for (const a of plan.actions) {
    for (const d of a.dependsOn) if (!seen.has(d)) bad.push(`${a.id} depends on ${d}, which is not earlier`);
    seen.add(a.id);
  }
  return bad;
}

/**
 * A fake provider's world. `apply(plan)` runs the actions in order as the provider contract says:
 * create adopts an object with the same identity, delete of a missing object succeeds, orphan strips
 * cairn's identity (the object stays, foreign from then on), replace is delete then create. The
 * provider decides what git leaves open: VLANs, public addresses, NIC addresses go to `status`.
 */
export class FakeWorld {
  objects: ObservedResource[];
  /**
   * What a real provider would have refused, seen while applying: an object made or updated before
   * something it references exists, or deleted while a managed object still points at it (for a
   * replace: while a hard referrer still does).
   */
  readonly violations: string[] = [];
  private serial = 0;

  constructor(objects: ObservedResource[] = []) {
    this.objects = objects.map((o) => structuredClone(o));
  }

  observe(): ObservedResource[] {
    return this.objects.map((o) => structuredClone(o));
  }

  private index(a: { kind: string; name: string; owner?: string }): number {
    return this.objects.findIndex((o) => o.managed && o.kind === a.kind && o.name === a.name && o.owner === a.owner);
  }

  private exists(key: string): boolean {
    return this.objects.some((o) => o.managed && keyOf(o.kind, o.owner, o.name) === key);
  }

  /** What a spec points at: tenant kinds in the same tenant, global kinds by name. */
  private references(kind: Kind, owner: string | undefined, spec: Record<string, unknown>): { key: string; strength: RefStrength }[] {
    const out: { key: string; strength: RefStrength }[] = [];
    forEachReference(kind, spec, (target, name, edge) => out.push({ key: keyOf(target, TENANT_KINDS.has(target) ? owner : undefined, name), strength: edge.strength }));
    const t = parseOwner(owner);
    if (t) out.push({ key: keyOf(t.type === 'account' ? 'Account' : 'Project', undefined, t.name), strength: 'hard' });
    return out;
  }

  private checkMake(a: Action): void {
    for (const r of this.references(a.kind, a.owner, a.spec ?? {})) {
      if (!this.exists(r.key)) this.violations.push(`${a.id}: ${r.key} does not exist yet`);
    }
    if (typeof a.placement?.host === 'string' && !this.exists(keyOf('Host', undefined, a.placement.host))) this.violations.push(`${a.id}: host ${a.placement.host} does not exist yet`);
    if (typeof a.placement?.storage === 'string' && !this.exists(keyOf('PrimaryStorage', undefined, a.placement.storage))) this.violations.push(`${a.id}: pool ${a.placement.storage} does not exist yet`);
  }

  private checkRemove(a: Action, comesBack: boolean): void {
    const self = keyOf(a.kind, a.owner, a.name);
    for (const o of this.objects) {
      if (!o.managed || keyOf(o.kind, o.owner, o.name) === self) continue;
      for (const r of this.references(o.kind, o.owner, o.spec)) {
        // A `none` reference (a VM's offering or template) never holds a removal back in CloudStack.
        if (r.key !== self || r.strength === 'none') continue;
        if (!comesBack || r.strength === 'hard') this.violations.push(`${a.id}: ${keyOf(o.kind, o.owner, o.name)} still points at it`);
      }
    }
  }

  apply(plan: Plan): this {
    for (const a of plan.actions) this.applyOne(a);
    return this;
  }

  /**
   * Applies the plan as a parallel executor could: any action whose dependencies are done may go
   * next; `pick(n)` chooses among the n ready ones (a seeded random in property tests).
   */
  applyInAnyOrder(plan: Plan, pick: (n: number) => number): this {
    const done = new Set<string>();
    const pending = [...plan.actions];
    while (pending.length > 0) {
      const ready = pending.filter((a) => a.dependsOn.every((d) => done.has(d)));
      if (ready.length === 0) throw new Error(`stuck: ${pending.map((a) => a.id).join(', ')}`);
      const a = ready[pick(ready.length) % ready.length]!;
      pending.splice(pending.indexOf(a), 1);
      this.applyOne(a);
      done.add(a.id);
    }
    return this;
  }

  applyOne(a: Action): void {
    const at = this.index(a);
    const existing = at >= 0 ? this.objects[at] : undefined;
    switch (a.op) {
      case 'create':
        this.checkMake(a);
        if (!existing) this.create(a);
        break;
      case 'replace':
        this.checkRemove(a, true);
        if (existing) this.objects.splice(at, 1);
        this.checkMake(a);
        this.create(a);
        break;
      case 'update':
        this.checkMake(a);
        if (existing) existing.spec = structuredClone(a.spec ?? {});
        break;
      case 'delete': {
        // The delete half of a replace in two steps comes back (its create is in the same plan).
        this.checkRemove(a, a.reason.startsWith('replaced in two steps'));
        if (existing) this.objects.splice(at, 1);
        break;
      }
      case 'orphan':
        if (existing) existing.managed = false;
        break;
      case 'start':
        if (existing) existing.status.state = 'Running';
        break;
      case 'stop':
        if (existing) existing.status.state = 'Stopped';
        break;
    }
  }

  private create(a: Action): void {
    const spec = structuredClone(a.spec ?? {});
    const status: Record<string, unknown> = {};
    const n = ++this.serial;
    switch (a.kind) {
      case 'VirtualMachine':
        status.state = spec.state ?? 'Running';
        if (a.placement?.host) status.host = a.placement.host;
        if (a.placement?.storage) status.storage = a.placement.storage;
        status.nics = (spec.networks as { ip?: string }[]).map((nic, i) => ({ ip: nic.ip ?? `10.99.${n % 250}.${i + 2}`, mac: `02:00:00:00:${(n % 256).toString(16).padStart(2, '0')}:0${i}` }));
        break;
      case 'Volume':
        if (a.placement?.storage) status.storage = a.placement.storage;
        break;
      case 'Host':
        status.state = 'Up';
        break;
      case 'Network':
        if (spec.vlan === undefined || spec.vlan === 'auto') status.vlan = 100 + (n % 100);
        break;
      case 'PublicIp':
        if (spec.address === undefined || spec.address === 'auto') status.address = `192.168.2.${2 + (n % 200)}`;
        break;
      default:
    }
    this.objects.push({ kind: a.kind, name: a.name, owner: a.owner, externalId: `fake-${n}`, managed: true, spec, status });
  }
}
