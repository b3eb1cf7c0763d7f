/**
 * plan, apply and status on the example data center against the embedded simulator, as a user
 * drives them: plan (exit 2), apply, plan (exit 0); one edit in git gives exactly one action; a
 * removed volume is orphaned, not deleted; a deleted folder is refused; an apply killed mid-way and
 * run again converges without duplicates.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cairn, cairnProcess, commitAll, editFile, projectRoot, removeTempDirs, STACK_TRACE, tempDir, userEnv } from '../support/cli.js';

afterAll(removeTempDirs);

async function exampleRepo(): Promise<string> {
  const dir = path.join(tempDir('cairn-apply-'), 'dc');
  const init = await cairn(['init', dir], { cwd: path.dirname(dir) });
  expect(init.code).toBe(0);
  return dir;
}

const planJson = async (dir: string) => {
  const r = await cairn(['plan', '--json'], { cwd: dir });
  expect(r.stderr).toBe('');
  return { code: r.code, plan: JSON.parse(r.stdout) as { actions: { op: string; kind: string; name: string; account: string | null }[]; summary: Record<string, number>; errors: unknown[] } };
};

const world = async (dir: string) => {
  const r = await cairn(['sim', 'show', '--json'], { cwd: dir });
  expect(r.code).toBe(0);
  const parsed = JSON.parse(r.stdout) as { objects: { kind: string; name: string; managed: boolean }[] };
  return parsed.objects;
};

describe('plan and apply on the example data center', () => {
  it('plan shows the creates (exit 2), apply makes them, a second plan is empty (exit 0)', async () => {
    const dir = await exampleRepo();
    const first = await planJson(dir);
    expect(first.code).toBe(2);
    expect(first.plan.summary.create).toBe(30);
    expect(first.plan.actions.every((a) => a.op === 'create')).toBe(true);

    const apply = await cairn(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/30 succeeded/);
    expect(apply.stderr).not.toMatch(STACK_TRACE);

    const again = await cairn(['plan'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/No changes/);

    const status = await cairn(['status', '--json'], { cwd: dir });
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as { summary: Record<string, number>; items: { kind: string; name: string; status: string; observed: { state?: string } | null }[] };
    expect(s.summary.ready).toBe(30);
    expect(s.items.find((i) => i.name === 'web-1')?.observed?.state).toBe('Running');
  });

  it('stopping one VM in git plans exactly one action, and apply does it', async () => {
    const dir = await exampleRepo();
    expect((await cairn(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    editFile(dir, 'tenants/acme/vms.yaml', 'rootDiskGiB: 10\n  state: Running', 'rootDiskGiB: 10\n  state: Stopped');
    await commitAll(dir, 'stop web-1');
    const { code, plan } = await planJson(dir);
    expect(code).toBe(2);
    expect(plan.actions).toEqual([expect.objectContaining({ op: 'stop', kind: 'VirtualMachine', name: 'web-1', account: 'acme' })]);
    expect((await cairn(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    expect((await cairn(['plan'], { cwd: dir })).code).toBe(0);
  });

  it('drift made from outside (a stopped VM) is planned back, foreign objects are left alone', async () => {
    const dir = await exampleRepo();
    expect((await cairn(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    expect((await cairn(['sim', 'drift', 'stop-vm', 'web-2', '--account', 'acme'], { cwd: dir })).code).toBe(0);
    expect((await cairn(['sim', 'drift', 'add-foreign-vm', 'intruder'], { cwd: dir })).code).toBe(0);
    const { code, plan } = await planJson(dir);
    expect(code).toBe(2);
    expect(plan.actions).toEqual([expect.objectContaining({ op: 'start', name: 'web-2' })]);
    expect(plan.summary.unmanaged).toBe(1);
    expect((await cairn(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    expect((await world(dir)).filter((o) => o.name === 'intruder')).toHaveLength(1);
  });

  it('a volume removed from git is orphaned: no longer managed, its data kept', async () => {
    const dir = await exampleRepo();
    expect((await cairn(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const vms = path.join(dir, 'tenants/acme/vms.yaml');
    const text = fs.readFileSync(vms, 'utf8');
    const volume = text.slice(text.indexOf('apiVersion: cairn.dev/v1\nkind: Volume'), text.indexOf('---', text.indexOf('kind: Volume')) + 4);
    const snapshot = text.slice(text.indexOf('apiVersion: cairn.dev/v1\nkind: Snapshot'));
    fs.writeFileSync(vms, text.replace(volume, '').replace(snapshot, '').replace(/---\n$/, ''));
    await commitAll(dir, 'drop the data volume and its snapshot');
    const { code, plan } = await planJson(dir);
    expect(code).toBe(2);
    expect(plan.actions.map((a) => `${a.op} ${a.kind}`).sort()).toEqual(['orphan Snapshot', 'orphan Volume']);
    const apply = await cairn(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code, apply.stderr).toBe(0);
    const volumes = (await world(dir)).filter((o) => o.kind === 'Volume');
    expect(volumes).toEqual([expect.objectContaining({ name: 'db-1-data', managed: false })]);
  });

  it('deleting a whole folder is refused as a mass deletion unless --allow-mass-delete', async () => {
    const dir = await exampleRepo();
    expect((await cairn(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    fs.rmSync(path.join(dir, 'tenants'), { recursive: true });
    await commitAll(dir, 'oops');
    const plan = await cairn(['plan'], { cwd: dir });
    // The tenant's folder holds more than 10% of the managed resources: a typo until proven otherwise.
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/mass-delete/);
    const apply = await cairn(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/nothing was changed/);
    expect((await world(dir)).filter((o) => o.kind === 'VirtualMachine')).toHaveLength(3);
  });

  it('an invalid revision is never planned nor applied', async () => {
    const dir = await exampleRepo();
    editFile(dir, 'tenants/acme/vms.yaml', 'serviceOffering: large-ssd', 'serviceOffering: huge');
    await commitAll(dir, 'typo');
    const apply = await cairn(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/tenants\/acme\/vms\.yaml:\d+:\d+: error \[ref\.unresolved\]/);
    expect(apply.stderr).toMatch(/nothing of it is planned or applied/);
    expect(await world(dir)).toHaveLength(0);
  });

  it('apply without --auto-approve off a terminal is a usage error and changes nothing', async () => {
    const dir = await exampleRepo();
    const r = await cairnProcess(['apply'], { cwd: dir });
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--auto-approve/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('an apply killed with SIGKILL mid-way converges when run again, creating nothing twice', async () => {
    const dir = await exampleRepo();
    const env = userEnv({ CAIRN_SIM_LATENCY_MS: '40' });
    const child = spawn(process.execPath, ['--import', path.join(projectRoot, 'node_modules/tsx/dist/esm/index.mjs'), path.join(projectRoot, 'controller/cli/main.ts'), 'apply', '--auto-approve'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Kill it once a few actions have finished: the plan has 30, in several dependency layers.
    await new Promise<void>((resolve) => {
      let done = 0;
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        done += (d.match(/✓/g) ?? []).length;
        if (done >= 8 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('close', () => resolve());
    });
    await new Promise((r) => child.once('close', r).once('exit', r));
    const before = await world(dir);
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(30);

    const again = await cairnProcess(['apply', '--auto-approve'], { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resumed after an interrupted run/);
    const after = await world(dir);
    expect(after).toHaveLength(30);
    const ids = after.map((o) => `${o.kind}/${o.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await cairn(['plan'], { cwd: dir })).code).toBe(0);
  });
});
