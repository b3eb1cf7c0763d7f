/** `cairn run --remote URL`: the branch is fetched over smart HTTP (isomorphic-git) into a local bare repository. */
import path from 'node:path';
import fs from 'node:fs';
import git from 'isomorphic-git';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { commitAll, editFile, history, removeTempDirs, tempDir } from '../support/cli.js';
import { converged, exampleRepo, resources, startController, stopAll } from './controller-process.js';
import { serveRepository, type GitHttpServer } from './git-http-server.js';

let server: GitHttpServer | undefined;
afterEach(async () => {
  await stopAll();
  await server?.close();
  server = undefined;
});
afterAll(removeTempDirs);

describe('cairn run --remote', () => {
  it('fetches the branch, applies it, and follows a new commit on the remote', async () => {
    const upstream = await exampleRepo();
    server = await serveRepository(upstream);
    const local = path.join(tempDir('cairn-remote-'), 'mirror.git');
    await git.init({ fs, gitdir: local, bare: true, defaultBranch: 'main' });
    const [{ oid: head }] = await history(upstream);
    const c = await startController(path.dirname(local), ['--repo', local, '--state-dir', tempDir('cairn-remote-state-'), '--remote', server.url, '--poll', '500ms']);
    await converged(c, head!);

    editFile(upstream, 'tenants/acme/vms.yaml', 'rootDiskGiB: 10\n  state: Running', 'rootDiskGiB: 10\n  state: Stopped');
    const next = await commitAll(upstream, 'stop web-1');
    await converged(c, next);
    expect((await resources(c, '?kind=VirtualMachine')).find((v) => v.name === 'web-1')?.observed?.state).toBe('Stopped');
    expect(await git.resolveRef({ fs, gitdir: local, ref: 'refs/remotes/cairn/main' })).toBe(next);
  });
});
