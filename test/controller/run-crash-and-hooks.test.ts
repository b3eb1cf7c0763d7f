/**
 * The controller's edges: a push notification with a bad signature is refused and a good one makes
 * it look at once; the resync endpoint wants the bearer token; a controller killed with SIGKILL in
 * the middle of an apply converges after a restart without making anything twice.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { commitAll, editFile, history, removeTempDirs } from '../support/cli.js';
import { converged, exampleRepo, startController, status, stopAll, waitFor, worldObjects } from './controller-process.js';

afterEach(stopAll);
afterAll(removeTempDirs);

const SECRET = 'hook-secret-for-tests';
const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('cairn run: webhook, resync endpoint, crash', () => {
  it('refuses a webhook with a bad signature, looks at the branch on a good one; resync needs the token', async () => {
    const dir = await exampleRepo();
    const [{ oid: head }] = await history(dir);
    // A poll of an hour: only the ref-file watcher or the webhook can pick a commit up.
    const c = await startController(dir, ['--poll', '1h', '--resync', '1h'], { CAIRN_WEBHOOK_SECRET: SECRET, CAIRN_API_TOKEN: 'tok' });
    await converged(c, head!);

    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const post = (headers: Record<string, string>) => fetch(`${c.url}/hooks/git`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...headers } });
    expect((await post({ 'x-hub-signature-256': sign(body, 'wrong-secret') })).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect(c.log()).not.toMatch(/push notification: looking/);
    expect((await post({ 'x-hub-signature-256': sign(body) })).status).toBe(202);
    await waitFor(async () => /push notification: looking/.test(c.log()));

    expect((await fetch(`${c.url}/api/v1/reconcile`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${c.url}/api/v1/reconcile`, { method: 'POST', headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const before = (await status(c)).lastSyncAt!;
    const ok = await fetch(`${c.url}/api/v1/reconcile`, { method: 'POST', headers: { authorization: 'Bearer tok' } });
    expect(ok.status).toBeLessThan(300);
    await waitFor(async () => (await status(c)).lastSyncAt! > before);
    expect(c.log()).not.toContain(SECRET);
  });

  it('a controller killed with SIGKILL during an apply converges after a restart, with no duplicates', async () => {
    const dir = await exampleRepo();
    const [{ oid: head }] = await history(dir);
    // Slow calls so that the kill lands in the middle of the 30 creates.
    const slow = await startController(dir, ['--resync', '1h'], { CAIRN_SIM_LATENCY_MS: '150' });
    await waitFor(async () => (slow.log().match(/action succeeded/g)?.length ?? 0) >= 3, 30_000, () => slow.log());
    slow.child.kill('SIGKILL');
    expect(await slow.exited).toBe(137);
    const partial = (await worldObjects(dir)).filter((o) => o.managed);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(30);

    const c = await startController(dir, ['--resync', '1h']);
    await converged(c, head!);
    expect(c.log()).toMatch(/interrupted/);
    const objects = (await worldObjects(dir)).filter((o) => o.managed);
    const identities = objects.map((o) => `${o.kind}/${o.owner ?? ''}/${o.name}`);
    expect(new Set(identities).size).toBe(identities.length);
    expect(objects).toHaveLength(30);

    // And it still follows the branch after the crash.
    editFile(dir, 'tenants/acme/vms.yaml', 'rootDiskGiB: 10\n  state: Running', 'rootDiskGiB: 10\n  state: Stopped');
    const next = await commitAll(dir, 'stop web-1');
    await converged(c, next);
    expect((await worldObjects(dir)).find((o) => o.name === 'web-1')?.status.state).toBe('Stopped');
  });

  it('SIGTERM during an apply lets the calls in flight finish, exits 0, and a restart finishes the work', async () => {
    const dir = await exampleRepo();
    const [{ oid: head }] = await history(dir);
    const slow = await startController(dir, ['--resync', '1h', '--shutdown-timeout', '10s'], { CAIRN_SIM_LATENCY_MS: '200' });
    await waitFor(async () => (slow.log().match(/action succeeded/g)?.length ?? 0) >= 3, 30_000, () => slow.log());
    slow.child.kill('SIGTERM');
    expect(await slow.exited).toBe(0);
    const log = slow.log();
    expect(log).toMatch(/shutting down/);
    expect(log).toMatch(/controller stopped/);
    // Every call that started also finished: no intent without an outcome, so nothing is reported interrupted next time.
    expect((log.match(/action started/g) ?? []).length).toBe((log.match(/action (succeeded|failed)/g) ?? []).length);
    expect((await managedObjects(dir)).length).toBeLessThan(30);

    const c = await startController(dir, ['--resync', '1h']);
    await converged(c, head!);
    expect(c.log()).not.toMatch(/interrupted/);
    expect((await worldObjects(dir)).filter((o) => o.managed)).toHaveLength(30);
  });
});

const managedObjects = async (dir: string) => (await worldObjects(dir)).filter((o) => o.managed);
