import type { Demand } from '../capacity.js';
import { reserveOnHost } from '../placement.js';
import type { SimObject } from '../sim-object.js';
import { dropTransition } from '../transition-records.js';
import type { WorldTx } from '../world-transaction.js';

/** Starting, Running and Stopping VMs hold their offering's CPU and memory on their host. */
export const holdsCapacity = (state: unknown): boolean => state === 'Starting' || state === 'Running' || state === 'Stopping';

/** What a VM reserves on its host, as recorded when it was placed or scaled. */
export function resourcesOf(vm: SimObject): Demand {
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return { cpuCores: n(vm.status.cpuCores), cpuMhz: n(vm.status.cpuMhz), memoryMiB: n(vm.status.memoryMiB) };
}

/** Moves the power state, taking or giving back the host reservation as the state requires; ends any pending transition. */
export function setPower(tx: WorldTx, vm: SimObject, next: string): void {
  const prev = vm.status.state;
  if (holdsCapacity(prev) && !holdsCapacity(next)) reserveOnHost(tx, vm.status.hostId, resourcesOf(vm), -1);
  if (!holdsCapacity(prev) && holdsCapacity(next)) reserveOnHost(tx, vm.status.hostId, resourcesOf(vm), 1);
  dropTransition(tx, vm);
  vm.status = { ...vm.status, state: next };
  tx.put(vm);
}
