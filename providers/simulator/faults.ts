import { SimulatorConfigError } from './errors/simulator-config-error.js';
import { SimulatorTargetError } from './errors/simulator-target-error.js';
import type { SimObject } from './sim-object.js';
import type { SimulatorWorld } from './world-store.js';
import { hostStatus } from './kinds/host.js';

/**
 * Faults injected into `apply`, kept in the world so that `cairn sim fault` in one process affects
 * an apply running in another. Each apply draws one random number and falls into at most one band:
 * - errorRate: fails with TransientError before doing anything;
 * - timeoutRate: does the operation, then fails with TransientError "timed out" (the reply was
 *   lost, the effect was not): the retry must find the object and adopt it, which is exactly what
 *   idempotency is for;
 * - permanentErrorRate: fails with PermanentError before doing anything.
 */
export interface SimFaults {
  errorRate: number;
  timeoutRate: number;
  permanentErrorRate: number;
}

export const NO_FAULTS: SimFaults = { errorRate: 0, timeoutRate: 0, permanentErrorRate: 0 };

const FAULTS_KEY = 'faults';

export type FaultDraw = 'error' | 'timeout' | 'permanent' | undefined;

export function drawFault(faults: SimFaults, random: () => number): FaultDraw {
  if (faults.errorRate + faults.timeoutRate + faults.permanentErrorRate <= 0) return undefined;
  const r = random();
  if (r < faults.errorRate) return 'error';
  if (r < faults.errorRate + faults.timeoutRate) return 'timeout';
  if (r < faults.errorRate + faults.timeoutRate + faults.permanentErrorRate) return 'permanent';
  return undefined;
}

/** The rates in force now: another process may have set them a moment ago (`cairn sim fault`). */
export function readFaults(world: SimulatorWorld): SimFaults {
  world.refresh();
  return { ...NO_FAULTS, ...(world.meta<Partial<SimFaults>>(FAULTS_KEY) ?? {}) };
}

/** Why a set of rates is unusable, or undefined: each in 0..1, their sum at most 1 (one draw per call). */
export function faultRatesProblem(f: SimFaults): string | undefined {
  for (const [k, v] of Object.entries(f)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) return `${k} must be a number from 0 to 1 (got ${String(v)})`;
  }
  const sum = f.errorRate + f.timeoutRate + f.permanentErrorRate;
  if (sum > 1 + 1e-9) return `the rates add up to ${sum}; each apply call draws once, so together they must not exceed 1`;
  return undefined;
}

/** Changes the given rates, keeps the others; returns the rates now in force. */
export async function setFaults(world: SimulatorWorld, change: Partial<SimFaults>): Promise<SimFaults> {
  return world.mutate((tx) => {
    const next = { ...NO_FAULTS, ...(tx.meta<Partial<SimFaults>>(FAULTS_KEY) ?? {}), ...change };
    const problem = faultRatesProblem(next);
    if (problem) throw new SimulatorConfigError(problem);
    tx.setMeta(FAULTS_KEY, next);
    return next;
  });
}

/** No injected errors, every host Up again. */
export async function clearFaults(world: SimulatorWorld): Promise<void> {
  await world.mutate((tx) => {
    tx.setMeta(FAULTS_KEY, NO_FAULTS);
    for (const host of tx.scan('Host')) {
      if (!host.down) continue;
      delete host.down;
      host.status = hostStatus(host);
      tx.put(host);
    }
  });
}

/**
 * Takes a host down (or brings it back). A Down host refuses placement and starts; the VMs already
 * on it are left as they were (the simulator does not model HA restarts).
 */
export async function setHostDown(world: SimulatorWorld, hostName: string, down: boolean): Promise<SimObject> {
  return world.mutate((tx) => {
    const host = tx.byIdentity('Host', '', hostName) ?? tx.scan('Host').find((h) => h.name === hostName);
    if (!host) {
      const known = tx.scan('Host').map((h) => h.name).sort();
      throw new SimulatorTargetError(`no host named "${hostName}" in the simulated world${known.length ? ` (hosts: ${known.join(', ')})` : ' (it has no hosts yet)'}`);
    }
    if (down) host.down = true;
    else delete host.down;
    host.status = hostStatus(host);
    tx.put(host);
    return host;
  });
}

/** Hosts taken down by a fault, by name. */
export function downHosts(world: SimulatorWorld): string[] {
  world.refresh();
  return world.scan('Host').filter((h) => h.down).map((h) => h.name).sort();
}

