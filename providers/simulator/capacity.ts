import type { SimObject } from './sim-object.js';

/** What a VM reserves on its host while Starting, Running or Stopping (from its service offering). */
export interface Demand {
  cpuCores: number;
  /** Speed of each core, MHz. */
  cpuMhz: number;
  memoryMiB: number;
}

/** What a host's VMs reserve, summed. `cpuMhz` is the total (cores × speed), as CloudStack counts it. */
export interface Usage {
  cpuCores: number;
  cpuMhz: number;
  memoryMiB: number;
  vms: number;
}

export const NO_USAGE: Usage = { cpuCores: 0, cpuMhz: 0, memoryMiB: 0, vms: 0 };

/** A host's capacity; a field the host spec leaves out is no limit. Totals include the cluster's overcommit. */
export interface HostCapacity {
  cpuCores?: number;
  cpuMhz?: number;
  memoryMiB?: number;
  overcommit: { cpu: number; memory: number };
  totalCpuMhz?: number;
  totalMemoryMiB?: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function demandOf(offering: SimObject): Demand {
  return { cpuCores: num(offering.spec.cpuCores) ?? 1, cpuMhz: num(offering.spec.cpuMhz) ?? 0, memoryMiB: num(offering.spec.memoryMiB) ?? 0 };
}

export function sameDemand(a: Demand, b: Demand): boolean {
  return a.cpuCores === b.cpuCores && a.cpuMhz === b.cpuMhz && a.memoryMiB === b.memoryMiB;
}

export function hostCapacity(host: SimObject, cluster: SimObject | undefined): HostCapacity {
  const oc = (cluster?.spec.overcommit ?? {}) as { cpu?: unknown; memory?: unknown };
  // As the loader's capacity check and the planner count it: an overcommit below 1 is none.
  const overcommit = { cpu: Math.max(1, num(oc.cpu) ?? 1), memory: Math.max(1, num(oc.memory) ?? 1) };
  const cpuCores = num(host.spec.cpuCores);
  const cpuMhz = num(host.spec.cpuMhz);
  const memoryMiB = num(host.spec.memoryMiB);
  return {
    ...(cpuCores !== undefined ? { cpuCores } : {}),
    ...(cpuMhz !== undefined ? { cpuMhz } : {}),
    ...(memoryMiB !== undefined ? { memoryMiB } : {}),
    overcommit,
    ...(cpuCores !== undefined && cpuMhz !== undefined ? { totalCpuMhz: Math.floor(cpuCores * cpuMhz * overcommit.cpu) } : {}),
    ...(memoryMiB !== undefined ? { totalMemoryMiB: Math.floor(memoryMiB * overcommit.memory) } : {}),
  };
}

export function usageOf(host: SimObject): Usage {
  return { ...NO_USAGE, ...((host.status.used as Partial<Usage> | undefined) ?? {}) };
}

export function addDemand(used: Usage, d: Demand, sign: 1 | -1): Usage {
  return {
    cpuCores: Math.max(0, used.cpuCores + sign * d.cpuCores),
    cpuMhz: Math.max(0, used.cpuMhz + sign * d.cpuCores * d.cpuMhz),
    memoryMiB: Math.max(0, used.memoryMiB + sign * d.memoryMiB),
    vms: Math.max(0, used.vms + sign),
  };
}

/** What is short for `d` on a host with `cap` and `used`, in words; empty when it fits. */
export function shortfall(cap: HostCapacity, used: Usage, d: Demand): string[] {
  const short: string[] = [];
  if (cap.cpuCores !== undefined && d.cpuCores > cap.cpuCores) short.push(`needs ${d.cpuCores} cores, the host has ${cap.cpuCores}`);
  if (cap.cpuMhz !== undefined && d.cpuMhz > cap.cpuMhz) short.push(`needs ${d.cpuMhz} MHz cores, the host's run at ${cap.cpuMhz} MHz`);
  if (cap.totalCpuMhz !== undefined) {
    const free = cap.totalCpuMhz - used.cpuMhz;
    const need = d.cpuCores * d.cpuMhz;
    if (need > free) short.push(`CPU: needs ${need} MHz, ${Math.max(0, free)} MHz free of ${cap.totalCpuMhz} (overcommit ${cap.overcommit.cpu})`);
  }
  if (cap.totalMemoryMiB !== undefined) {
    const free = cap.totalMemoryMiB - used.memoryMiB;
    if (d.memoryMiB > free) short.push(`memory: needs ${d.memoryMiB} MiB, ${Math.max(0, free)} MiB free of ${cap.totalMemoryMiB} (overcommit ${cap.overcommit.memory})`);
  }
  return short;
}

/** Free GiB of a primary storage; Infinity when its spec sets no capacity. */
export function storageFree(storage: SimObject): number {
  const cap = num(storage.spec.capacityGiB);
  return cap === undefined ? Infinity : cap - (num(storage.status.usedGiB) ?? 0);
}
