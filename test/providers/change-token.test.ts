/**
 * The simulator's change token (providers/provider.ts `changeToken`) and the remembered empty plan
 * it keys (controller/state/unchanged-plan.ts): the token moves on every write by anyone (applies,
 * drift, faults, other processes), never on a read; a plan after an apply is the remembered one
 * only while nothing changed, and drift or a fault made from another process is planned again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makePlan } from '../../controller/planning/make-plan.js';
import { UNCHANGED_PLAN_FILE } from '../../controller/state/unchanged-plan.js';
import { stopVm } from '../../providers/simulator/drift.js';
import { clearFaults, setFaults, setHostDown } from '../../providers/simulator/faults.js';
import { closeSimulatorWorlds, openSimulatorWorld } from '../../providers/simulator/world-store.js';
import { cairn, cairnProcess, commitAll, editFile, removeTempDirs, tempDir } from '../support/cli.js';
import { ACME, create, newSimulator, removeStateDirs, seed, vmSpec } from './simulator-fixture.js';

afterAll(async () => {
  await closeSimulatorWorlds();
  removeStateDirs();
  removeTempDirs();
});

const signal = () => new AbortController().signal;

describe('simulator change token', () => {
  it('moves on every write (apply, drift, faults) and never on a read', async () => {
    const p = newSimulator();
    const empty = await p.changeToken!(signal());
    expect(empty).toBeDefined();
    await seed(p);
    const seeded = await p.changeToken!(signal());
    expect(seeded).not.toBe(empty);
    await p.observe({}, signal());
    expect(await p.changeToken!(signal())).toBe(seeded);

    const tokens = new Set([empty, seeded]);
    const step = async (what: string, change: () => Promise<unknown>) => {
      await change();
      const t = await p.changeToken!(signal());
      expect(tokens.has(t), what).toBe(false);
      tokens.add(t);
    };
    await step('a VM created', () => create(p, { kind: 'VirtualMachine', name: 'vm1', owner: ACME, spec: vmSpec() }));
    await step('drift: the VM stopped', () => stopVm(p.world, { name: 'vm1', owner: ACME }));
    await step('a fault rate set', () => setFaults(p.world, { errorRate: 0.5 }));
    await step('a host taken down', () => setHostDown(p.world, 'h2', true));
    await step('faults cleared', () => clearFaults(p.world));
  });

  it('is absent while a transition is under way (observing will change the world)', async () => {
    const p = newSimulator({ latencyMs: { default: 0, VirtualMachine: 150 } });
    await seed(p);
    const creating = create(p, { kind: 'VirtualMachine', name: 'slow', owner: ACME, spec: vmSpec() });
    await new Promise((r) => setTimeout(r, 60));
    expect(await p.changeToken!(signal())).toBeUndefined();
    await creating;
    expect(await p.changeToken!(signal())).toBeDefined();
  });

  it('differs between two worlds that saw the same number of writes', async () => {
    const a = newSimulator();
    const b = newSimulator();
    await seed(a);
    await seed(b);
    expect(await a.changeToken!(signal())).not.toBe(await b.changeToken!(signal()));
  });
});

describe('the remembered empty plan', () => {
  async function appliedExample(): Promise<string> {
    const dir = path.join(tempDir('cairn-token-'), 'dc');
    expect((await cairn(['init', dir], { cwd: path.dirname(dir) })).code).toBe(0);
    const apply = await cairn(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stderr).not.toMatch(/still differs/);
    return dir;
  }
  const planOf = (repo: string) => makePlan({ repo, reuseUnchanged: true });

  it('is reused after an apply; drift and faults from another process are planned again', async () => {
    const dir = await appliedExample();
    expect(fs.existsSync(path.join(dir, '.cairn', UNCHANGED_PLAN_FILE))).toBe(true);
    const first = await planOf(dir);
    expect(first.ok && first.reused && first.plan.actions.length).toBe(0);
    if (!first.ok) return;
    expect(first.reused).toBe(true);

    // Another process stops a VM behind cairn's back: this process's decoded world is stale too.
    const drift = await cairnProcess(['sim', 'drift', 'stop-vm', 'web-2', '--account', 'acme'], { cwd: dir });
    expect(drift.code, drift.stderr).toBe(0);
    const afterDrift = await planOf(dir);
    expect(afterDrift.ok).toBe(true);
    if (!afterDrift.ok) return;
    expect(afterDrift.reused).toBeUndefined();
    expect(afterDrift.plan.actions.map((a) => `${a.op} ${a.name}`)).toEqual(['start web-2']);
    expect((await cairn(['plan'], { cwd: dir })).code).toBe(2);

    expect((await cairn(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const converged = await planOf(dir);
    expect(converged.ok && converged.reused).toBe(true);

    // A host taken down from another process: planned again (placement reads host states).
    const host = openSimulatorWorld(path.join(dir, '.cairn')).scan('Host')[0]!.name;
    expect((await cairnProcess(['sim', 'fault', '--host', host, '--down'], { cwd: dir })).code).toBe(0);
    const afterFault = await planOf(dir);
    expect(afterFault.ok && afterFault.reused).toBeUndefined();
    const again = await planOf(dir);
    expect(again.ok && again.reused).toBe(true);
  });

  it('is not reused for another revision', async () => {
    const dir = await appliedExample();
    editFile(dir, 'tenants/acme/vms.yaml', 'rootDiskGiB: 10\n  state: Running', 'rootDiskGiB: 10\n  state: Stopped');
    await commitAll(dir, 'stop web-1');
    const planned = await planOf(dir);
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    expect(planned.reused).toBeUndefined();
    expect(planned.plan.actions.map((a) => `${a.op} ${a.name}`)).toEqual(['stop web-1']);
  });
});
