/**
 * The simulator's observation is kept between observes and brought up to date from what was
 * written since (providers/simulator/observed-view.ts): after any sequence of writes it must equal
 * an observation built from scratch.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ObservedResource } from '../../providers/provider.js';
import { stopVm } from '../../providers/simulator/drift.js';
import { setHostDown } from '../../providers/simulator/faults.js';
import { toObserved } from '../../providers/simulator/sim-object.js';
import type { SimulatorProvider } from '../../providers/simulator/simulator-provider.js';
import { closeSimulatorWorlds } from '../../providers/simulator/world-store.js';
import { viewWorld } from '../../providers/simulator/world-view.js';
import { ACME, action, create, infrastructure, newSimulator, removeStateDirs, run, seed, vmSpec } from './simulator-fixture.js';

afterAll(async () => {
  await closeSimulatorWorlds();
  removeStateDirs();
});

const signal = () => new AbortController().signal;
const byId = (list: ObservedResource[]) => new Map(list.map((o) => [o.externalId, o]));

/** What observe must say: every object, observed afresh. */
function fromScratch(p: SimulatorProvider): Map<string, ObservedResource> {
  return byId([...viewWorld(p.world)].map(({ object, status }) => toObserved(object, status)));
}

async function expectCurrent(p: SimulatorProvider): Promise<void> {
  const observed = await p.observe({}, signal());
  expect(observed.length).toBe(fromScratch(p).size);
  expect(byId(observed)).toEqual(fromScratch(p));
  for (const kind of ['Host', 'VirtualMachine'] as const) {
    expect(byId(await p.observe({ kinds: [kind] }, signal()))).toEqual(byId([...fromScratch(p).values()].filter((o) => o.kind === kind)));
  }
}

describe('simulator observation kept between observes', () => {
  it('follows creates, updates, deletes, drift, faults and a cluster overcommit change', async () => {
    const p = newSimulator();
    await seed(p);
    await expectCurrent(p);
    await create(p, { kind: 'VirtualMachine', name: 'vm1', owner: ACME, spec: vmSpec() });
    await create(p, { kind: 'VirtualMachine', name: 'vm2', owner: ACME, spec: vmSpec() });
    await expectCurrent(p);
    await run(p, action('update', { kind: 'VirtualMachine', name: 'vm1', owner: ACME, spec: vmSpec({ displayName: 'one' }) }));
    await run(p, action('delete', { kind: 'VirtualMachine', name: 'vm2', owner: ACME }));
    await stopVm(p.world, { name: 'vm1', owner: ACME });
    await setHostDown(p.world, 'h3', true);
    await expectCurrent(p);
    const c1 = infrastructure.find((d) => d.name === 'c1')!;
    await run(p, action('update', { ...c1, spec: { ...c1.spec, overcommit: { cpu: 3, memory: 1 } } }));
    const host = (await p.observe({ kinds: ['Host'] }, signal())).find((h) => h.name === 'h1')!;
    expect((host.status.capacity as { overcommit: { cpu: number } }).overcommit.cpu).toBe(3);
    await expectCurrent(p);
  });
});
