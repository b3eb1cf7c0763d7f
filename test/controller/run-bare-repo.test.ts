/** `cairn run --repo` on a bare repository (what a git server holds): pushes are picked up from its ref files. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { commitAll, editFile, history, removeTempDirs, tempDir } from '../support/cli.js';
import { converged, exampleRepo, resources, startController, stopAll } from './controller-process.js';

afterEach(stopAll);
afterAll(removeTempDirs);

/** What a push does to a bare repository, without a git server: the objects and the ref arrive. */
function push(workdir: string, bare: string): void {
  fs.cpSync(path.join(workdir, '.git', 'objects'), path.join(bare, 'objects'), { recursive: true });
  const ref = fs.readFileSync(path.join(workdir, '.git', 'refs', 'heads', 'main'), 'utf8');
  // As git does: write a lock file, rename it over the ref.
  fs.writeFileSync(path.join(bare, 'refs', 'heads', 'main.lock'), ref);
  fs.renameSync(path.join(bare, 'refs', 'heads', 'main.lock'), path.join(bare, 'refs', 'heads', 'main'));
}

describe('cairn run on a bare repository', () => {
  it('applies the branch and then a pushed commit', async () => {
    const work = await exampleRepo();
    const bare = path.join(tempDir('cairn-bare-'), 'dc.git');
    fs.cpSync(path.join(work, '.git'), bare, { recursive: true });
    fs.writeFileSync(path.join(bare, 'config'), '[core]\n\trepositoryformatversion = 0\n\tbare = true\n');
    const [{ oid: head }] = await history(work);
    const stateDir = tempDir('cairn-bare-state-');
    const c = await startController(path.dirname(bare), ['--repo', bare, '--state-dir', stateDir, '--poll', '1h']);
    await converged(c, head!);

    editFile(work, 'tenants/acme/vms.yaml', 'rootDiskGiB: 10\n  state: Running', 'rootDiskGiB: 10\n  state: Stopped');
    const next = await commitAll(work, 'stop web-1');
    push(work, bare);
    await converged(c, next);
    expect((await resources(c, '?kind=VirtualMachine')).find((v) => v.name === 'web-1')?.observed?.state).toBe('Stopped');
  });
});
