/**
 * Drift under `cairn run`: a VM stopped behind cairn's back is recorded and put back (policy
 * correct); one annotated `cairn.dev/drift-policy: report` is recorded and left alone; a foreign VM
 * is listed as unmanaged and never touched; `cairn drift` reports the same in one shot.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cairn, commitAll, editFile, removeTempDirs } from '../support/cli.js';
import { converged, drift, exampleRepo, resources, startController, status, stopAll, waitFor, worldObjects } from './controller-process.js';

afterEach(stopAll);
afterAll(removeTempDirs);

const state = async (dir: string, name: string) => (await worldObjects(dir)).find((o) => o.kind === 'VirtualMachine' && o.name === name)?.status.state;

describe('drift under cairn run', () => {
  it('corrects drift under policy correct, reports it under policy report, leaves foreign objects alone', async () => {
    const dir = await exampleRepo();
    // web-1 only reports its drift.
    editFile(dir, 'tenants/acme/vms.yaml', 'name: web-1\n  account: acme\n', 'name: web-1\n  account: acme\n  annotations: { cairn.dev/drift-policy: report }\n');
    const head = await commitAll(dir, 'web-1: report drift only');
    const c = await startController(dir, ['--resync', '500ms'], { CAIRN_LOG_LEVEL: 'debug' });
    await converged(c, head);
    // While nothing changes, a periodic resync is answered by the simulator's change token...
    await waitFor(async () => /the world and the revision are unchanged/.test(c.log()), 20_000, () => c.log().slice(-2000));

    expect((await cairn(['sim', 'drift', 'stop-vm', 'web-2', '--account', 'acme'], { cwd: dir })).code).toBe(0);
    expect((await cairn(['sim', 'drift', 'stop-vm', 'web-1', '--account', 'acme'], { cwd: dir })).code).toBe(0);
    expect((await cairn(['sim', 'drift', 'add-foreign-vm', 'intruder'], { cwd: dir })).code).toBe(0);

    // ...and a change behind cairn's back changes the token: the world is observed and the drift found.
    // web-2: recorded, then corrected (correctedAt set, Running again).
    const corrected = await waitFor(async () => (await drift(c)).items.find((i) => i.name === 'web-2' && i.correctedAt !== null), 20_000, () => c.log().slice(-2000));
    expect(corrected).toMatchObject({ kind: 'VirtualMachine', account: 'account:acme', policy: 'correct', fields: [{ path: 'state', desired: 'Running', observed: 'Stopped' }] });
    expect(Date.parse(corrected.correctedAt!)).toBeGreaterThanOrEqual(Date.parse(corrected.firstSeenAt));
    expect(await state(dir, 'web-2')).toBe('Running');

    // web-1: recorded under report, still open and still stopped several resyncs later.
    const reported = await waitFor(async () => (await drift(c)).items.find((i) => i.name === 'web-1'));
    expect(reported).toMatchObject({ policy: 'report', correctedAt: null, fields: [{ path: 'state', desired: 'Running', observed: 'Stopped' }] });
    const seen = Date.parse(reported.lastSeenAt);
    const later = await waitFor(async () => {
      const r = (await drift(c)).items.find((i) => i.name === 'web-1');
      return r && Date.parse(r.lastSeenAt) > seen + 1000 && r;
    });
    expect(later.firstSeenAt).toBe(reported.firstSeenAt);
    expect(later.correctedAt).toBeNull();
    expect(await state(dir, 'web-1')).toBe('Stopped');
    const s = await status(c);
    expect(s.summary.drifted).toBe(1);
    expect((await resources(c, '?status=drifted')).map((i) => i.name)).toEqual(['web-1']);

    // The foreign VM: listed, untouched.
    const d = await drift(c);
    expect(d.unmanaged).toEqual([expect.objectContaining({ kind: 'VirtualMachine', name: 'intruder' })]);
    expect(s.summary.unmanaged).toBe(1);
    expect((await worldObjects(dir)).find((o) => o.name === 'intruder')).toMatchObject({ managed: false });

    // The one-shot command sees the same, and says so with exit 2.
    const oneShot = await cairn(['drift', '--json'], { cwd: dir });
    expect(oneShot.code, oneShot.stderr).toBe(2);
    const report = JSON.parse(oneShot.stdout) as { revision: string; items: { name: string; policy: string; firstSeenAt: string | null }[]; unmanaged: { name: string }[] };
    expect(report.revision).toBe(head);
    expect(report.items).toEqual([expect.objectContaining({ name: 'web-1', policy: 'report', firstSeenAt: reported.firstSeenAt })]);
    expect(report.unmanaged.map((u) => u.name)).toEqual(['intruder']);
    const md = await cairn(['drift', '--markdown'], { cwd: dir });
    expect(md.stdout).toMatch(/\| VirtualMachine acme\/web-1 \| `state` \| Running \| Stopped \| report \|/);

    // Drift records survive a restart of the controller (first seen is kept).
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    const c2 = await startController(dir, ['--resync', '500ms']);
    const again = await waitFor(async () => {
      const r = (await drift(c2)).items.find((i) => i.name === 'web-1');
      return r && Date.parse(r.lastSeenAt) > Date.parse(later.lastSeenAt) && r;
    });
    expect(again.firstSeenAt).toBe(reported.firstSeenAt);
    expect(await state(dir, 'web-1')).toBe('Stopped');
  });

  it('cairn drift exits 0 when the world matches git, --drift-policy sets a kind\'s policy', async () => {
    const dir = await exampleRepo();
    expect((await cairn(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const clean = await cairn(['drift'], { cwd: dir });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/No drift/);
    expect((await cairn(['sim', 'drift', 'stop-vm', 'web-2', '--account', 'acme'], { cwd: dir })).code).toBe(0);
    const r = await cairn(['drift', '--json', '--drift-policy', 'VirtualMachine=report'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).items).toEqual([expect.objectContaining({ name: 'web-2', policy: 'report', fields: [{ path: 'state', desired: 'Running', observed: 'Stopped' }] })]);
    const bad = await cairn(['drift', '--drift-policy', 'Vm=report'], { cwd: dir });
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/unknown kind "Vm"/);
  });
});
