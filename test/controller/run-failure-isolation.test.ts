/**
 * One failing resource never holds up the others: a new VM that no host can take (every host of
 * the zone down) fails, and is retried with its own backoff, while the rest of the commit is
 * applied; once the hosts are back, a retry (planned against a fresh observation) places it and
 * the revision is recorded as applied.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cairn, commitAll, editFile, history, removeTempDirs } from '../support/cli.js';
import { converged, exampleRepo, resources, startController, status, stopAll, waitFor, WEB_3 } from './controller-process.js';

afterEach(stopAll);
afterAll(removeTempDirs);

describe('cairn run: failure isolation', () => {
  it('applies the rest of a commit around a VM that cannot be placed, and retries it until it can', async () => {
    const dir = await exampleRepo();
    const [{ oid: head }] = await history(dir);
    const c = await startController(dir, ['--resync', '1h']);
    await converged(c, head!);
    const hosts = (await resources(c, '?kind=Host')).map((h) => h.name);
    expect(hosts.length).toBeGreaterThan(0);
    expect((await cairn(['sim', 'fault', ...hosts.flatMap((h) => ['--host', h]), '--down'], { cwd: dir })).code).toBe(0);

    editFile(dir, 'tenants/acme/vms.yaml', 'rootDiskGiB: 10\n  state: Running', 'rootDiskGiB: 10\n  state: Stopped');
    fs.appendFileSync(path.join(dir, 'tenants/acme/vms.yaml'), WEB_3);
    const next = await commitAll(dir, 'stop web-1, add web-3');
    const failed = await waitFor(async () => {
      const items = await resources(c, '?kind=VirtualMachine&account=acme');
      const web3 = items.find((v) => v.name === 'web-3');
      return web3?.status === 'failed' && items.find((v) => v.name === 'web-1')?.observed?.state === 'Stopped' && web3;
    }, 30_000, () => c.log().slice(-3000));
    expect(failed.observed).toBeNull();
    expect((failed as unknown as { lastError: string }).lastError).toMatch(/web-3/);
    const s = await status(c);
    expect(s.desiredRevision).toBe(next);
    expect(s.appliedRevision).toBe(head); // not all of it is in place yet
    expect(s.summary.failed).toBe(1);

    expect((await cairn(['sim', 'fault', ...hosts.flatMap((h) => ['--host', h]), '--up'], { cwd: dir })).code).toBe(0);
    await converged(c, next, 60_000);
    expect((await resources(c, '?kind=VirtualMachine&account=acme')).find((v) => v.name === 'web-3')?.observed?.state).toBe('Running');
  });
});
