/** Plans for a few identities: scoped to their tenant, with placement's view of the world only when placing. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DesiredRevision } from '../../controller/run/desired-revision.js';
import { ObservedState } from '../../controller/run/observed-state.js';
import { planKeys } from '../../controller/run/scoped-plan.js';
import { loadDesiredState } from '../../desired-state/load.js';
import { createSimulatorProvider } from '../../providers/simulator/simulator-provider.js';
import { cairn, commitAll, editFile, removeTempDirs } from '../support/cli.js';
import { exampleRepo, WEB_3 } from './controller-process.js';

afterAll(removeTempDirs);

describe('planKeys', () => {
  it('plans a power change over the tenant and the catalog, a new VM with every host and VM, a global key over everything', async () => {
    const dir = await exampleRepo();
    expect((await cairn(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    editFile(dir, 'tenants/acme/vms.yaml', 'rootDiskGiB: 10\n  state: Running', 'rootDiskGiB: 10\n  state: Stopped');
    fs.appendFileSync(path.join(dir, 'tenants/acme/vms.yaml'), WEB_3);
    const rev = await commitAll(dir, 'stop web-1, add web-3');
    const stateDir = path.join(dir, '.cairn');
    const load = await loadDesiredState({ repo: dir, rev, stateDir });
    expect(load.valid).toBe(true);
    const desired = DesiredRevision.fromModel(rev, load.model);
    const observed = new ObservedState();
    observed.replace(await createSimulatorProvider({ stateDir }).observe({}, new AbortController().signal), Date.now());

    const stop = planKeys(desired, observed, new Set(['VirtualMachine/account:acme/web-1']), {});
    expect(stop.scope).toBe('tenants');
    expect(stop.plan.errors).toEqual([]);
    expect(stop.plan.actions.map((a) => a.id)).toEqual(['stop:VirtualMachine/account:acme/web-1']);
    // web-3 differs too, but it was not asked for.
    const kinds = new Set(load.model.resources.map((r) => r.kind));
    expect(kinds.has('Host')).toBe(true);
    expect(stop.planned).toBeLessThan(load.model.resources.length + observed.size);

    const create = planKeys(desired, observed, new Set(['VirtualMachine/account:acme/web-3']), {});
    expect(create.scope).toBe('tenants+capacity');
    expect(create.plan.errors).toEqual([]);
    expect(create.plan.actions).toEqual([expect.objectContaining({ op: 'create', name: 'web-3', placement: expect.objectContaining({ host: expect.any(String) }) })]);

    const global = planKeys(desired, observed, new Set(['Zone//zone1', 'VirtualMachine/account:acme/web-1']), {});
    expect(global.scope).toBe('full');
    expect(global.plan.actions.map((a) => a.id)).toEqual(['stop:VirtualMachine/account:acme/web-1']);
  });
});
