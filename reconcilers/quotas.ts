import type { Kind } from '../desired-state/model.js';
import { LIMIT_LABELS as LABEL } from '../desired-state/limit-labels.js';
import type { ObservedResource } from '../providers/provider.js';
import { displayName, keyOf, parseOwner } from './identity.js';
import type { PlanError } from './plan.js';
import { num, type World } from './world.js';

type Usage = Record<string, number>;

const COUNTED: ReadonlySet<Kind> = new Set<Kind>(['VirtualMachine', 'Volume', 'Network', 'PublicIp', 'Snapshot']);


/** What one object counts against its tenant's limits, the way the loader's limits check counts it. */
function count(world: World, kind: Kind, spec: Record<string, unknown>, status: Record<string, unknown> | undefined, into: Usage): void {
  const add = (k: string, n: number | undefined) => {
    if (n !== undefined && Number.isFinite(n)) into[k] = (into[k] ?? 0) + n;
  };
  switch (kind) {
    case 'VirtualMachine': {
      const offering = world.globalSpec('ServiceOffering', spec.serviceOffering);
      add('vms', 1);
      add('cpuCores', num(status?.cpuCores) ?? num(offering?.cpuCores) ?? 0);
      add('memoryMiB', num(status?.memoryMiB) ?? num(offering?.memoryMiB) ?? 0);
      add('primaryStorageGiB', num(status?.rootDiskGiB) ?? num(spec.rootDiskGiB) ?? num(world.globalSpec('Template', spec.template)?.sizeGiB) ?? 0);
      break;
    }
    case 'Volume':
      add('volumes', 1);
      add('primaryStorageGiB', num(spec.sizeGiB) ?? num(status?.sizeGiB) ?? num(world.globalSpec('DiskOffering', spec.diskOffering)?.sizeGiB) ?? 0);
      break;
    case 'Network':
      add('networks', 1);
      break;
    case 'PublicIp':
      add('publicIps', 1);
      break;
    case 'Snapshot':
      add('snapshots', num(spec.keep) ?? 1);
      break;
    default:
  }
}

/**
 * Quotas against the live world: an account's (or project's) limits hold for what will exist once
 * the plan is applied, i.e. everything in git plus what stays in the world outside git: orphaned
 * volumes and snapshots (data kept, still the tenant's) and unmanaged objects the provider reports
 * with an owner. What git alone declares is the loader's to check; this only adds the leftovers, so
 * it costs nothing when there are none.
 */
export function checkQuotas(world: World, deleted: (kind: Kind, owner: string | undefined, name: string) => boolean): PlanError[] {
  const leftovers = new Map<string, ObservedResource[]>();
  for (const kind of COUNTED) {
    for (const o of world.observedOfKind(kind)) {
      if (!o.owner) continue;
      if (o.managed && (world.desired.has(o.kind, o.owner, o.name) || deleted(o.kind, o.owner, o.name))) continue;
      const list = leftovers.get(o.owner);
      if (list) list.push(o);
      else leftovers.set(o.owner, [o]);
    }
  }
  if (leftovers.size === 0) return [];

  const limitsOf = new Map<string, Record<string, unknown>>();
  for (const owner of leftovers.keys()) {
    const t = parseOwner(owner);
    if (!t) continue;
    const tenantKind = t.type === 'account' ? 'Account' : 'Project';
    const limits = world.globalSpec(tenantKind, t.name)?.limits;
    if (limits && typeof limits === 'object') limitsOf.set(owner, limits as Record<string, unknown>);
  }
  if (limitsOf.size === 0) return [];

  const inGit = new Map<string, Usage>();
  for (const kind of COUNTED) {
    for (const r of world.byKind(kind)) {
      const owner = world.ownerOf(r);
      if (!owner || !limitsOf.has(owner)) continue;
      let u = inGit.get(owner);
      if (!u) inGit.set(owner, (u = {}));
      count(world, kind, r.doc.spec ?? {}, undefined, u);
    }
  }

  const errors: PlanError[] = [];
  for (const [owner, limits] of [...limitsOf].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    // Each leftover's own share, in identity order (not the order the provider listed them in).
    const shares = (leftovers.get(owner) ?? [])
      .map((o) => {
        const u: Usage = {};
        count(world, o.kind, o.spec ?? {}, o.status, u);
        return { o, u, id: `${keyOf(o.kind, o.owner, o.name)}\0${o.externalId}` };
      })
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const git = inGit.get(owner) ?? {};
    const t = parseOwner(owner)!;
    for (const [key, limit] of Object.entries(limits)) {
      if (typeof limit !== 'number') continue;
      const contributors = shares.filter((s) => (s.u[key] ?? 0) > 0);
      const left = contributors.reduce((sum, s) => sum + s.u[key]!, 0);
      const total = (git[key] ?? 0) + left;
      if (total <= limit || left === 0) continue;
      const examples = contributors.slice(0, 3).map(({ o }) => `${displayName(o.kind, o.owner, o.name)} (${o.managed ? 'orphaned' : 'unmanaged'})`);
      errors.push({
        code: 'quota',
        kind: t.type === 'account' ? 'Account' : 'Project',
        name: t.name,
        message:
          `${t.type} ${t.name} would hold ${total} ${LABEL[key] ?? key} after this plan, over its limit ${key}: ${limit} ` +
          `(${git[key] ?? 0} in git and ${left} kept in the world outside git: ${examples.join(', ')}${contributors.length > 3 ? ', …' : ''})`,
      });
    }
  }
  return errors;
}
