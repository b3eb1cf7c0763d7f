import type { Action } from '../../../reconcilers/action.js';
import { ConflictError } from '../../errors/conflict-error.js';
import { PermanentError } from '../../errors/permanent-error.js';
import { claimNicAddress, nicClaimKey, releaseClaim } from '../address-pools.js';
import { addDemand, demandOf, hostCapacity, sameDemand, shortfall, usageOf } from '../capacity.js';
import { chooseHost, chooseStorage, hostRefusal, reserveOnHost, storagesForHost, useStorage } from '../placement.js';
import { referenced, resolveRef } from '../references.js';
import { label, type SimObject } from '../sim-object.js';
import { clusterOfHost } from '../topology.js';
import type { WorldTx } from '../world-transaction.js';
import type { KindHandler, Transition } from './kind-handler.js';
import { holdsCapacity, resourcesOf, setPower } from './vm-power.js';
import { detachAll } from './volume-attachment.js';

/*
 * VMs with CloudStack's states. create → Starting → Running (or Stopped when spec.state says so),
 * start: Stopped → Starting → Running, stop: Running → Stopping → Stopped, delete: → Destroyed →
 * removed. The transitional state lasts the call's latency (transitions.ts ends it), so an observer
 * can catch a VM Starting. Starting, Running and Stopping VMs hold their offering's CPU and memory
 * on their host; the status carries what they hold (cpuCores, cpuMhz, memoryMiB), as the planner reads it.
 */

export interface Nic {
  network: string;
  networkId: string;
  ip?: string;
  mac: string;
}

function nicsOf(vm: SimObject): Nic[] {
  return Array.isArray(vm.status.nics) ? (vm.status.nics as Nic[]) : [];
}

const to = (vm: SimObject, from: string, state: string): Transition => ({ externalId: vm.externalId, from, to: state });

/** The address the planner chose for NIC `i` (`placement.ips` as a list by NIC, or by network name). */
function placedIp(action: Action | undefined, i: number, network: string): string | undefined {
  const ips = action?.placement?.ips;
  const v = Array.isArray(ips) ? ips[i] : ips && typeof ips === 'object' ? (ips as Record<string, unknown>)[network] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function specNics(spec: Record<string, unknown>): { network: string; ip?: string }[] {
  return Array.isArray(spec.networks) ? (spec.networks as { network: string; ip?: string }[]) : [];
}

function releaseNic(tx: WorldTx, nic: Nic): void {
  if (nic.ip) releaseClaim(tx, nicClaimKey(nic.networkId, nic.ip));
}

/**
 * NICs for `spec`: a NIC whose network and address (if one is asked for) are unchanged is kept with
 * its MAC; the others are released first (so that two NICs can swap addresses) and then allocated.
 */
function allocateNics(tx: WorldTx, vm: SimObject, spec: Record<string, unknown>, action: Action | undefined, current: Nic[]): Nic[] {
  const wanted = specNics(spec);
  const keep = wanted.map((nic, i) => {
    const old = current[i];
    const ip = placedIp(action, i, nic.network) ?? nic.ip;
    return old && old.network === nic.network && (ip === undefined || ip === old.ip) ? old : undefined;
  });
  current.forEach((old, i) => {
    if (keep[i] !== old) releaseNic(tx, old);
  });
  return wanted.map((nic, i) => {
    const kept = keep[i];
    if (kept) return kept;
    const net = resolveRef(tx, 'Network', nic.network, vm.owner);
    if (!net) throw new ConflictError(`${label(vm)}: network ${nic.network} is not in the simulator`);
    const ip = claimNicAddress(tx, net, vm.externalId, placedIp(action, i, nic.network) ?? nic.ip);
    return { network: nic.network, networkId: net.externalId, ...(ip ? { ip } : {}), mac: tx.nextMac() };
  });
}

function nicStatus(nics: Nic[]): Record<string, unknown> {
  return { nics, ips: nics.flatMap((n) => (n.ip ? [n.ip] : [])), ...(nics[0] ? { mac: nics[0].mac } : {}) };
}

/** The ROOT disk's size: `rootDiskGiB`, else the template's size; never smaller than the template. */
function rootSize(vm: SimObject, spec: Record<string, unknown>, template: SimObject): number {
  const templateSize = typeof template.spec.sizeGiB === 'number' ? template.spec.sizeGiB : 0;
  if (typeof spec.rootDiskGiB !== 'number') return templateSize;
  if (spec.rootDiskGiB < templateSize) throw new PermanentError(`${label(vm)}: rootDiskGiB ${spec.rootDiskGiB} is smaller than template ${template.name} (${templateSize} GiB)`);
  return spec.rootDiskGiB;
}

function checkTemplateZone(vm: SimObject, template: SimObject, zone: string): void {
  const zones = template.spec.zones;
  if (Array.isArray(zones) && !zones.includes(zone)) throw new PermanentError(`${label(vm)}: template ${template.name} is not available in zone ${zone} (only ${zones.join(', ')})`);
}

function startOn(tx: WorldTx, vm: SimObject, action: Action | undefined): Transition {
  const offering = resolveRef(tx, 'ServiceOffering', String(vm.spec.serviceOffering), '');
  const demand = offering ? demandOf(offering) : resourcesOf(vm);
  const zone = String(vm.spec.zone);
  const wanted = action?.placement?.host;
  const previous = typeof vm.status.hostId === 'string' ? tx.get(vm.status.hostId) : undefined;
  // Back on its last host when that can take it (its ROOT disk is there); else where the planner or first fit says.
  const host =
    wanted === undefined && previous?.identity && !hostRefusal(tx, previous, demand) ? previous : chooseHost(tx, label(vm), zone, demand, wanted, true);
  vm.status = { ...vm.status, host: host.name, hostId: host.externalId, ...demand };
  setPower(tx, vm, 'Starting');
  return to(vm, 'Starting', 'Running');
}

/** Gives back everything a VM holds and detaches its volumes; the VM stays, Destroyed. */
export function destroyVm(tx: WorldTx, vm: SimObject): void {
  setPower(tx, vm, 'Destroyed');
  for (const nic of nicsOf(vm)) releaseNic(tx, nic);
  const root = vm.status.rootVolume as { sizeGiB?: number; storageId?: string } | undefined;
  useStorage(tx, root?.storageId, -(root?.sizeGiB ?? 0));
  detachAll(tx, vm);
  vm.status = { ...vm.status, ...nicStatus([]) };
  delete vm.status.mac;
  tx.put(vm);
}

export const virtualMachineHandler: KindHandler = {
  create(tx, vm, action) {
    const zone = String(vm.spec.zone);
    const offering = referenced(tx, 'ServiceOffering', vm.spec.serviceOffering, vm.owner);
    const template = referenced(tx, 'Template', vm.spec.template, vm.owner);
    checkTemplateZone(vm, template, zone);
    const demand = demandOf(offering);
    const toRun = vm.spec.state !== 'Stopped';
    const host = chooseHost(tx, label(vm), zone, demand, action.placement?.host, toRun);
    const sizeGiB = rootSize(vm, vm.spec, template);
    const storage = chooseStorage(tx, label(vm), storagesForHost(tx, host), `host ${host.name}`, sizeGiB, action.placement?.storage);
    useStorage(tx, storage.externalId, sizeGiB);
    vm.status = {
      state: 'Stopped',
      zone,
      host: host.name,
      hostId: host.externalId,
      ...demand,
      storage: storage.name,
      rootVolume: { type: 'ROOT', sizeGiB, storage: storage.name, storageId: storage.externalId },
      ...nicStatus(allocateNics(tx, vm, vm.spec, action, [])),
      dataVolumes: [],
    };
    if (!toRun) return undefined;
    setPower(tx, vm, 'Starting');
    return to(vm, 'Starting', 'Running');
  },

  update(tx, vm, spec, action) {
    if (spec.rootDiskGiB === undefined && vm.spec.rootDiskGiB !== undefined) spec = { ...spec, rootDiskGiB: vm.spec.rootDiskGiB }; // omitted = keep the disk (reconcilers: omittedMeansObserved), not shrink it to the template
    if (vm.status.state === 'Destroyed') throw new ConflictError(`${label(vm)} is Destroyed`);
    if (spec.zone !== vm.spec.zone) throw new PermanentError(`${label(vm)}: zone cannot change in place (${String(vm.spec.zone)} → ${String(spec.zone)})`);
    const template = referenced(tx, 'Template', spec.template, vm.owner);
    checkTemplateZone(vm, template, String(spec.zone));
    // Scaling: a running VM must fit its host with the new offering (the old reservation given back first).
    const offering = referenced(tx, 'ServiceOffering', spec.serviceOffering, vm.owner);
    const before = resourcesOf(vm);
    const after = demandOf(offering);
    if (!sameDemand(before, after)) {
      const host = typeof vm.status.hostId === 'string' ? tx.get(vm.status.hostId) : undefined;
      if (holdsCapacity(vm.status.state) && host) {
        const short = shortfall(hostCapacity(host, clusterOfHost(tx, host)), addDemand(usageOf(host), before, -1), after);
        if (short.length > 0) throw new PermanentError(`${label(vm)}: cannot scale to ${offering.name} on host ${host.name}: ${short.join('; ')}`);
        reserveOnHost(tx, host.externalId, before, -1);
        reserveOnHost(tx, host.externalId, after, 1);
      }
      vm.status = { ...vm.status, ...after };
    }
    const root = vm.status.rootVolume as { sizeGiB: number; storage: string; storageId: string };
    const size = rootSize(vm, spec, template);
    if (size < root.sizeGiB) throw new PermanentError(`${label(vm)}: the ROOT disk cannot shrink from ${root.sizeGiB} GiB to ${size} GiB`);
    if (size > root.sizeGiB) {
      const storage = tx.get(root.storageId);
      if (storage) chooseStorage(tx, label(vm), [storage], `its storage ${storage.name}`, size - root.sizeGiB, storage.name);
      useStorage(tx, root.storageId, size - root.sizeGiB);
      vm.status = { ...vm.status, rootVolume: { ...root, sizeGiB: size } };
    }
    vm.status = { ...vm.status, ...nicStatus(allocateNics(tx, vm, spec, action, nicsOf(vm))) };
    // The power state is not changed by an update: start and stop do that (CloudStack's updateVirtualMachine does not either).
    vm.spec = spec;
  },

  start(tx, vm, action) {
    const state = vm.status.state;
    if (state === 'Destroyed') throw new ConflictError(`${label(vm)} is Destroyed: it cannot start`);
    rememberPower(vm, 'Running');
    if (state === 'Running') return tx.put(vm);
    if (state === 'Starting') return setPower(tx, vm, 'Running');
    if (state === 'Stopping') setPower(tx, vm, 'Stopped');
    return startOn(tx, vm, action);
  },

  stop(tx, vm) {
    const state = vm.status.state;
    if (state === 'Destroyed') throw new ConflictError(`${label(vm)} is Destroyed: it cannot stop`);
    rememberPower(vm, 'Stopped');
    if (state === 'Stopped') return tx.put(vm);
    if (state === 'Stopping' || state === 'Error') return setPower(tx, vm, 'Stopped');
    setPower(tx, vm, 'Stopping');
    return to(vm, 'Stopping', 'Stopped');
  },

  delete(tx, vm) {
    if (vm.status.state === 'Destroyed') return undefined;
    destroyVm(tx, vm);
    return to(vm, 'Destroyed', 'removed');
  },
};

/**
 * `spec.state` keeps the power state cairn last asked for (create's spec, then start and stop), so
 * that the observed spec matches a desired spec that was applied by start/stop. A state left out
 * means Running (the schema's default), so a start does not add the field.
 */
function rememberPower(vm: SimObject, state: 'Running' | 'Stopped'): void {
  if (vm.spec.state === undefined && state === 'Running') return;
  vm.spec = { ...vm.spec, state };
}
