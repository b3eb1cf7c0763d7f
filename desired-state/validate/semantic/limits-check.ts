import type { Resource } from '../../model.js';
import { LIMIT_LABELS as LABEL } from '../../limit-labels.js';
import { ownerKey, specOf, type PendingIssue, type ResourceIndex } from './context.js';

type Usage = Record<string, number>;

/** What a tenant declares stays within the limits of its Account or Project (`spec.limits`). */
export function checkLimits(index: ResourceIndex): PendingIssue[] {
  const usage = new Map<string, Usage>();
  const add = (r: Resource, key: string, n: number) => {
    if (!r.tenant || !r.tenantType || !Number.isFinite(n)) return;
    const id = index.ownerOf(r);
    let u = usage.get(id);
    if (!u) usage.set(id, (u = {}));
    u[key] = (u[key] ?? 0) + n;
  };
  const templateSize = (vm: Resource) => Number(specOf(index.resolve(vm, 'Template', specOf(vm).template) ?? vm).sizeGiB ?? 0);
  for (const vm of index.kind('VirtualMachine')) {
    const offering = index.resolve(vm, 'ServiceOffering', specOf(vm).serviceOffering);
    add(vm, 'vms', 1);
    if (offering) {
      add(vm, 'cpuCores', Number(specOf(offering).cpuCores ?? 0));
      add(vm, 'memoryMiB', Number(specOf(offering).memoryMiB ?? 0));
    }
    add(vm, 'primaryStorageGiB', Number(specOf(vm).rootDiskGiB ?? templateSize(vm)));
  }
  for (const vol of index.kind('Volume')) {
    add(vol, 'volumes', 1);
    const offering = index.resolve(vol, 'DiskOffering', specOf(vol).diskOffering);
    add(vol, 'primaryStorageGiB', Number(specOf(vol).sizeGiB ?? (offering ? specOf(offering).sizeGiB : 0) ?? 0));
  }
  for (const r of index.kind('Network')) add(r, 'networks', 1);
  for (const r of index.kind('PublicIp')) add(r, 'publicIps', 1);
  for (const r of index.kind('Snapshot')) add(r, 'snapshots', Number(specOf(r).keep ?? 1));

  const out: PendingIssue[] = [];
  for (const tenant of [...index.kind('Account'), ...index.kind('Project')]) {
    const limits = specOf(tenant).limits as Record<string, number> | undefined;
    if (!limits) continue;
    const owner = ownerKey({ tenant: tenant.name, tenantType: tenant.kind === 'Account' ? 'account' : 'project' });
    if (!index.inFocus(owner)) continue;
    const u = usage.get(owner) ?? {};
    for (const [key, limit] of Object.entries(limits)) {
      const used = u[key] ?? 0;
      if (typeof limit === 'number' && used > limit) {
        out.push({
          resource: tenant,
          path: ['spec', 'limits', key],
          rule: 'limits.exceeded',
          // On the Account, but about what its tenant declares: re-checked with that tenant.
          scope: owner,
          message: `${tenant.kind.toLowerCase()} ${tenant.name} declares ${used} ${LABEL[key] ?? key}, over its limit ${key}: ${limit}`,
        });
      }
    }
  }
  return out;
}

