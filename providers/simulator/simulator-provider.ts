import { KINDS, type Kind } from '../../desired-state/model.js';
import type { Action, ActionResult } from '../../reconcilers/action.js';
import { PermanentError } from '../errors/permanent-error.js';
import { ProviderError } from '../errors/provider-error.js';
import { TransientError } from '../errors/transient-error.js';
import type { ObservedResource, ObserveScope, Provider } from '../provider.js';
import { abortedError, waitLatency } from './call-latency.js';
import { drawFault, readFaults } from './faults.js';
import { resolveLatency, type LatencyTable } from './latency.js';
import { runOperation, type OpStep } from './operations.js';
import { plainCopy } from './plain-copy.js';
import { seededRandom } from './seeded-random.js';
import { describeRef } from './sim-object.js';
import { openSimulatorWorld, type SimulatorWorld } from './world-store.js';
import { observeWorld } from './observed-view.js';
import { beginTransition, completeTransition, settleOverdue } from './transitions.js';

export interface SimulatorProviderOptions {
  /** The state folder; the world is `<stateDir>/simulator.lmdb`, the latency config `<stateDir>/simulator.json`. */
  stateDir: string;
  /** Milliseconds per call, or a table `{default, observe, <Kind>}`; beats simulator.json and CAIRN_SIM_LATENCY_MS. */
  latencyMs?: number | LatencyTable;
  /** Source of the fault draws (one per apply); default: seeded from CAIRN_SIM_SEED if set, else Math.random. */
  random?: () => number;
  /** Where CAIRN_SIM_LATENCY_MS and CAIRN_SIM_SEED are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface SimulatorProvider extends Provider {
  readonly stateDir: string;
  /** The world, for drift and fault functions (drift.ts, faults.ts) and `cairn sim`. */
  readonly world: SimulatorWorld;
  /** Milliseconds an apply of `kind` (or an observe) takes. */
  latencyOf(kind: Kind | 'observe'): number;
}

/**
 * The embedded simulator, the default provider: CloudStack's Simulator hypervisor in spirit. It
 * serves every kind; its world persists in lmdb, so separate CLI runs and a running controller see
 * the same one. See providers/provider.ts for the contract it keeps.
 *
 * An apply: draw a fault; on an injected error, fail after the latency having done nothing. Else
 * apply the effect in one transaction while the latency runs (a VM is Starting meanwhile), end any
 * transition in a second transaction (or, if this call never gets there, when it is overdue at the
 * next observe: transitions.ts). On an injected timeout, the effect stays and the reply is
 * "lost": the caller gets a TransientError and its retry adopts what was made.
 */
export function createSimulatorProvider(options: SimulatorProviderOptions): SimulatorProvider {
  const env = options.env ?? process.env;
  const latency = resolveLatency(options.stateDir, options.latencyMs, env);
  const random = options.random ?? defaultRandom(env);
  const world = openSimulatorWorld(options.stateDir);

  async function apply(action: Action, signal: AbortSignal): Promise<ActionResult> {
    const what = `${action.op} ${describeRef(action.kind, action.owner, action.name)}`;
    try {
      if (signal.aborted) throw abortedError(signal, what);
      if (!(KINDS as readonly string[]).includes(action.kind)) throw new PermanentError(`${what}: the simulator does not know the kind ${JSON.stringify(action.kind)}`);
      // The caller may reuse its objects; what the simulator stores must not change under it.
      const frozen: Action = {
        ...action,
        ...(action.spec !== undefined ? { spec: plainCopy(action.spec) } : {}),
        ...(action.placement !== undefined ? { placement: plainCopy(action.placement) } : {}),
      };
      const ms = latency.of(action.kind);
      const faults = readFaults(world);
      const fault = drawFault(faults, random);
      if (fault === 'error') {
        await waitLatency(ms, signal, what);
        throw new TransientError(`${what}: simulated transient failure (injected, error rate ${faults.errorRate}); nothing was done`);
      }
      if (fault === 'permanent') throw new PermanentError(`${what}: simulated permanent failure (injected, rate ${faults.permanentErrorRate}); nothing was done`);
      // The call's latency runs from its start, the effect's commit inside it (as a real API's own
      // database write is part of its response time): no fixed cost on top of the latency.
      const latencyOver = waitLatency(ms, signal, what);
      latencyOver.catch(() => {}); // an abort while the mutation fails too must not go unhandled
      const step: OpStep = await world.mutate((tx) => {
        const first = runOperation(tx, frozen);
        if (!first.transition) return first;
        // With no latency there is no time to be Starting in: the transition ends in the same transaction.
        if (ms <= 0) return { result: { ...first.result, ...completeTransition(tx, first.transition) } };
        beginTransition(tx, first.transition, Date.now() + ms);
        return first;
      });
      await latencyOver;
      const transition = step.transition;
      const result = transition ? { ...step.result, ...(await world.mutate((tx) => completeTransition(tx, transition))) } : step.result;
      if (fault === 'timeout') {
        await waitLatency(ms, signal, what);
        throw new TransientError(`${what}: timed out waiting for the reply (injected, timeout rate ${faults.timeoutRate}; the operation took effect)`);
      }
      return result;
    } catch (error) {
      throw asProviderError(error, what);
    }
  }

  async function observe(scope: ObserveScope, signal: AbortSignal): Promise<ObservedResource[]> {
    try {
      await waitLatency(latency.observe, signal, 'observe');
      await settleOverdue(world);
      world.refresh();
      return observeWorld(world, scope.kinds ?? KINDS);
    } catch (error) {
      throw asProviderError(error, 'observe');
    }
  }

  /** The world's write generation (world-store.ts): every apply, drift and fault bumps it. */
  async function changeToken(signal: AbortSignal): Promise<string | undefined> {
    try {
      if (signal.aborted) throw abortedError(signal, 'changeToken');
      return world.changeToken();
    } catch (error) {
      throw asProviderError(error, 'changeToken');
    }
  }

  return {
    name: 'simulator',
    stateDir: options.stateDir,
    world,
    kinds: () => KINDS,
    observe,
    apply,
    changeToken,
    latencyOf: (kind) => (kind === 'observe' ? latency.observe : latency.of(kind)),
  };
}

/** Only the three classes leave a provider: a store failure may pass, anything else is a simulator bug. */
function asProviderError(error: unknown, what: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = error as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && (e.syscall || /^E[A-Z]+$/.test(e.code) || /MDB_/.test(e.message ?? ''))) {
    return new TransientError(`${what}: the simulator's store failed: ${e.message}`, { cause: error });
  }
  return new PermanentError(`${what}: simulator bug: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

function defaultRandom(env: NodeJS.ProcessEnv): () => number {
  const seed = env.CAIRN_SIM_SEED;
  return seed !== undefined && seed.trim() !== '' && Number.isFinite(Number(seed)) ? seededRandom(Number(seed)) : Math.random;
}
