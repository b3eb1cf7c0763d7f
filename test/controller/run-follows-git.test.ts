/**
 * `cairn run` as a user runs it, on the example data center and the simulator: it applies the
 * branch, then every commit; an invalid commit is rejected whole while the last good revision stays
 * enforced; SIGTERM exits 0.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { commitAll, editFile, removeTempDirs } from '../support/cli.js';
import { converged, exampleRepo, resources, startController, status, stopAll, waitFor } from './controller-process.js';

afterEach(stopAll);

const SECRET = 'c2VjcmV0LXVzZXItZGF0YQ==';
afterAll(removeTempDirs);

describe('cairn run follows the branch', () => {
  it('applies the branch, then a commit, rejects an invalid commit and keeps enforcing the last good one (across a restart), exits 0 on SIGTERM', async () => {
    const dir = await exampleRepo();
    // A secret in git: it must never leave the controller (API answers, events, logs).
    editFile(dir, 'tenants/acme/vms.yaml', "# ip omitted: allocated from the network's cidr\n", `# ip omitted: allocated from the network's cidr\n  userData: ${SECRET}\n`);
    const first = await commitAll(dir, 'web-2 gets user data');
    const c = await startController(dir, ['--resync', '1s', '--poll', '1s']);
    const s0 = await converged(c, first);
    expect(s0.summary.ready).toBe(30);
    expect(s0.rejectedRevision).toBeNull();

    // A commit is applied: web-1 stopped in git is stopped in the world.
    editFile(dir, 'tenants/acme/vms.yaml', 'rootDiskGiB: 10\n  state: Running', 'rootDiskGiB: 10\n  state: Stopped');
    const stop = await commitAll(dir, 'stop web-1');
    await converged(c, stop);
    const vms = await resources(c, '?kind=VirtualMachine&account=acme');
    expect(vms.find((v) => v.name === 'web-1')?.observed?.state).toBe('Stopped');
    expect(vms.find((v) => v.name === 'web-2')?.observed?.state).toBe('Running');
    expect(vms.find((v) => v.name === 'web-2')?.desired.userData).toBe('(redacted)');
    expect(vms.find((v) => v.name === 'web-2')?.observed?.userData).toBe('(redacted)');
    expect(JSON.stringify(vms)).not.toContain(SECRET);

    // An invalid commit: rejected with file, line and column; the stopped VM stays as the last good revision says.
    editFile(dir, 'tenants/acme/vms.yaml', 'serviceOffering: small\n  template: debian-12\n  networks: [ { network: web-net } ]', 'servceOffering: small\n  template: debian-12\n  networks: [ { network: web-net } ]');
    editFile(dir, 'tenants/acme/vms.yaml', 'rootDiskGiB: 10\n  state: Stopped', 'rootDiskGiB: 10\n  state: Running');
    const bad = await commitAll(dir, 'typo, and start web-1 again');
    const rejected = await waitFor(async () => {
      const s = await status(c);
      return s.rejectedRevision?.revision === bad && s;
    }, 20_000, () => c.log().slice(-2000));
    expect(rejected.appliedRevision).toBe(stop);
    expect(rejected.desiredRevision).toBe(stop);
    expect(rejected.rejectedRevision!.errors).toContainEqual(expect.objectContaining({ file: 'tenants/acme/vms.yaml', rule: 'schema.unknown-field', line: expect.any(Number), column: 3 }));
    // A resync later the world still follows the last good revision: web-1 stays stopped.
    const after = Date.parse(rejected.lastSyncAt!);
    await waitFor(async () => Date.parse((await status(c)).lastSyncAt!) > after + 500);
    expect((await resources(c, '?kind=VirtualMachine')).find((v) => v.name === 'web-1')?.observed?.state).toBe('Stopped');

    // A restart on the invalid head keeps enforcing the last good revision and reports the bad one.
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    const restarted = await startController(dir, ['--resync', '1s', '--poll', '1s']);
    const again = await waitFor(async () => {
      const s = await status(restarted);
      return s.rejectedRevision?.revision === bad && s.desiredRevision === stop && s;
    }, 20_000, () => restarted.log().slice(-2000));
    expect(again.appliedRevision).toBe(stop);
    expect((await resources(restarted, '?kind=VirtualMachine')).find((v) => v.name === 'web-1')?.observed?.state).toBe('Stopped');

    // Fixing the typo makes the newest commit good again; it is applied, web-1 starts.
    editFile(dir, 'tenants/acme/vms.yaml', 'servceOffering: small', 'serviceOffering: small');
    const fixed = await commitAll(dir, 'fix the typo');
    const s3 = await converged(restarted, fixed);
    expect(s3.rejectedRevision).toBeNull();
    expect((await resources(restarted, '?kind=VirtualMachine')).find((v) => v.name === 'web-1')?.observed?.state).toBe('Running');

    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    expect(restarted.log()).toMatch(/controller stopped/);
    expect(c.log() + restarted.log()).not.toContain(SECRET);
  });

  it('refuses a non-loopback --listen without --listen-any (usage error, nothing started)', async () => {
    const dir = await exampleRepo();
    const { cairn } = await import('../support/cli.js');
    const r = await cairn(['run', '--listen', '0.0.0.0:0'], { cwd: dir });
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/not a loopback address.*--listen-any/);
  });
});
