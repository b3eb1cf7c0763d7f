/**
 * The controller's next revision is advanced from the previous one and the files a commit changed;
 * it must hold exactly what a full load of the new commit holds, in the same order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedFiles } from '../../controller/run/changed-files.js';
import { resourcesOfFiles } from '../../controller/run/changed-resources.js';
import { DesiredRevision } from '../../controller/run/desired-revision.js';
import { loadDesiredState } from '../../desired-state/load.js';
import { commitAll, editFile, history, removeTempDirs } from '../support/cli.js';
import { exampleRepo } from './controller-process.js';

afterAll(removeTempDirs);

const DB_NET = `apiVersion: cairn.dev/v1
kind: Network
metadata: { name: db-net, account: acme }
spec: { zone: zone1, type: Isolated, cidr: 10.1.9.0/24, gateway: 10.1.9.1, vlan: auto }
`;

const full = async (dir: string, rev: string) => {
  const load = await loadDesiredState({ repo: dir, rev, stateDir: false });
  expect(load.valid).toBe(true);
  return DesiredRevision.fromModel(rev, load.model);
};
const summary = (r: DesiredRevision) => r.model.resources.map((x) => [x.kind, x.tenant ?? '', x.name, x.source.file, x.source.docIndex, JSON.stringify(x.doc)]);

describe('DesiredRevision.advance', () => {
  it('equals a full load after edits, an added file, a removed file and a file that is not desired state', async () => {
    const dir = await exampleRepo();
    const [{ oid: first }] = await history(dir);
    const before = await full(dir, first!);

    editFile(dir, 'tenants/acme/vms.yaml', 'rootDiskGiB: 10\n  state: Running', 'rootDiskGiB: 10\n  state: Stopped');
    fs.writeFileSync(path.join(dir, 'tenants/acme/more.yaml'), DB_NET);
    fs.writeFileSync(path.join(dir, 'NOTES.md'), 'not desired state\n');
    const second = await commitAll(dir, 'edits');
    const cache = {};
    const gitdir = path.join(dir, '.git');
    const files = await changedFiles(gitdir, first!, second, cache);
    expect(files).toEqual(['NOTES.md', 'tenants/acme/more.yaml', 'tenants/acme/vms.yaml']);
    const { next: derived, changedKeys } = before.advance(second, await resourcesOfFiles(gitdir, second, files, cache));
    expect(summary(derived)).toEqual(summary(await full(dir, second)));
    expect(changedKeys).toEqual(new Set(['VirtualMachine/account:acme/web-1', 'Network/account:acme/db-net']));
    expect(() => before.keysOfFile('tenants/acme/vms.yaml')).toThrow(/advanced/);

    fs.rmSync(path.join(dir, 'tenants/acme/more.yaml'));
    const third = await commitAll(dir, 'remove the extra network');
    const files3 = await changedFiles(gitdir, second, third, cache);
    const third3 = derived.advance(third, await resourcesOfFiles(gitdir, third, files3, cache));
    expect(summary(third3.next)).toEqual(summary(await full(dir, third)));
    expect(third3.changedKeys).toEqual(new Set(['Network/account:acme/db-net']));
  });
});
