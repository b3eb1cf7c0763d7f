import type { Kind } from '../../desired-state/model.js';
import { PermanentError } from '../errors/permanent-error.js';
import { demandOf, type Demand } from './capacity.js';
import { SimulatorTargetError } from './errors/simulator-target-error.js';
import { hostRefusal } from './placement.js';
import { destroyVm } from './kinds/virtual-machine.js';
import { setPower } from './kinds/vm-power.js';
import { detach } from './kinds/volume-attachment.js';
import { byName, zoneOfHost } from './topology.js';
import type { SimObject } from './sim-object.js';
import type { SimulatorWorld } from './world-store.js';
import type { WorldTx } from './world-transaction.js';

/*
 * Changes made "from outside", as an operator clicking in CloudStack's UI would: they ignore cairn's
 * identity (that is the point) and take effect at once, with no latency and no injected faults.
 * Each returns what it changed, so callers can say so.
 */

/** Which object: a name, and the owner key (`account:acme`) when names repeat across tenants. */
export interface DriftTarget {
  name: string;
  owner?: string;
}

export interface DriftOutcome {
  object: SimObject;
  /** False when the object was already as asked (a VM already stopped, a volume not attached). */
  changed: boolean;
}

/** The live object of `kind` a drift command names: managed or not; ambiguity is an error naming the owners. */
function find(tx: WorldTx, kind: Kind, target: DriftTarget): SimObject {
  const owner = target.owner;
  const managed = owner !== undefined ? tx.byIdentity(kind, owner, target.name) : undefined;
  if (managed && managed.status.state !== 'Destroyed') return managed;
  const all = tx.scan(kind).filter((o) => o.name === target.name && o.status.state !== 'Destroyed' && (owner === undefined || o.owner === owner));
  if (all.length === 1) return all[0]!;
  if (all.length === 0) {
    throw new SimulatorTargetError(`no ${kind} named "${target.name}"${owner ? ` for ${owner}` : ''} in the simulated world`);
  }
  const owners = all.map((o) => o.owner || '(global)');
  throw new SimulatorTargetError(`${all.length} ${kind}s are named "${target.name}" (owners: ${owners.join(', ')}); say which with --account or --project`);
}

/** The VM stops, as if shut down from inside: its host capacity is given back. */
export function stopVm(world: SimulatorWorld, target: DriftTarget): Promise<DriftOutcome> {
  return world.mutate((tx) => {
    const vm = find(tx, 'VirtualMachine', target);
    if (vm.status.state === 'Stopped') return { object: vm, changed: false };
    setPower(tx, vm, 'Stopped');
    return { object: vm, changed: true };
  });
}

/** The VM is destroyed and expunged at once: addresses, capacity and ROOT disk given back, DATA volumes detached and kept. */
export function deleteVm(world: SimulatorWorld, target: DriftTarget): Promise<DriftOutcome> {
  return world.mutate((tx) => {
    const vm = find(tx, 'VirtualMachine', target);
    destroyVm(tx, vm);
    tx.remove(vm);
    return { object: vm, changed: true };
  });
}

/** The DATA volume is detached from its VM; its data stays. */
export function detachVolume(world: SimulatorWorld, target: DriftTarget): Promise<DriftOutcome> {
  return world.mutate((tx) => {
    const vol = find(tx, 'Volume', target);
    if (typeof vol.status.attachedToId !== 'string') return { object: vol, changed: false };
    detach(tx, vol);
    return { object: vol, changed: true };
  });
}

/** The firewall rule is deleted. */
export function deleteFirewallRule(world: SimulatorWorld, target: DriftTarget): Promise<DriftOutcome> {
  return world.mutate((tx) => {
    const rule = find(tx, 'FirewallRule', target);
    tx.remove(rule);
    return { object: rule, changed: true };
  });
}

export interface ForeignVmOptions {
  /** Owner key of the VM, as CloudStack would show it; none by default. */
  owner?: string;
  /** Host to run on; default the first host by name that is Up and has room. */
  host?: string;
  /** Service offering giving its size; default the smallest offering, else 1 core × 500 MHz, 512 MiB. */
  serviceOffering?: string;
}

const SMALLEST: Demand = { cpuCores: 1, cpuMhz: 500, memoryMiB: 512 };

const size = (d: Demand): number => d.memoryMiB * 1e6 + d.cpuCores * d.cpuMhz;

/**
 * A running VM that cairn did not make (no identity): it takes capacity on its host, which the
 * planner must see, and cairn must report it and never touch it.
 */
export function addForeignVm(world: SimulatorWorld, name: string, options: ForeignVmOptions = {}): Promise<SimObject> {
  return world.mutate((tx) => {
    // The smallest offering by default: a foreign VM should disturb placement, not fill a host.
    const offerings = tx.scan('ServiceOffering').sort((a, b) => size(demandOf(a)) - size(demandOf(b)) || byName(a, b));
    const offering = options.serviceOffering !== undefined ? offerings.find((o) => o.name === options.serviceOffering) : offerings[0];
    if (options.serviceOffering !== undefined && !offering) throw new SimulatorTargetError(`no service offering named "${options.serviceOffering}" in the simulated world`);
    const demand = offering ? demandOf(offering) : SMALLEST;
    const hosts = tx.scan('Host').sort(byName);
    let host: SimObject | undefined;
    if (options.host !== undefined) {
      host = hosts.find((h) => h.name === options.host);
      if (!host) throw new SimulatorTargetError(`no host named "${options.host}" in the simulated world`);
      const refusal = hostRefusal(tx, host, demand);
      if (refusal) throw new PermanentError(`cannot add VM ${name}: ${refusal}`);
    } else {
      host = hosts.find((h) => !hostRefusal(tx, h, demand));
      if (!host) throw new SimulatorTargetError(hosts.length === 0 ? `cannot add VM ${name}: the simulated world has no hosts` : `cannot add VM ${name}: no host is Up with room for it`);
    }
    const zone = zoneOfHost(tx, host);
    const vm: SimObject = {
      externalId: tx.nextId('VirtualMachine'),
      kind: 'VirtualMachine',
      name,
      owner: options.owner ?? '',
      spec: { ...(zone ? { zone } : {}), ...(offering ? { serviceOffering: offering.name } : {}), networks: [], state: 'Running' },
      status: { state: 'Stopped', zone, host: host.name, hostId: host.externalId, ...demand, nics: [], ips: [], dataVolumes: [] },
    };
    setPower(tx, vm, 'Running');
    return vm;
  });
}
