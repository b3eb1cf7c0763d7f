import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cairn, commitAll, editFile, history, ISSUE_LINE, positionOf, removeTempDirs, STACK_TRACE, tempDir, type CliResult,
} from '../support/cli.js';

/*
 * `cairn validate` against repositories made by `cairn init`, edited and committed the way a user
 * would. In process (runCli); test/cli/cairn-process.test.ts runs the real binary.
 */

let pristine: string;
beforeAll(async () => {
  const cwd = tempDir();
  const r = await cairn(['init', 'dc'], { cwd });
  if (r.code !== 0) throw new Error(`cairn init failed: ${r.stderr}`);
  pristine = path.join(cwd, 'dc');
});
afterAll(removeTempDirs);

/** A copy of the repository `cairn init` made, so each test can edit and commit its own. */
function freshRepo(): string {
  const dir = tempDir();
  fs.cpSync(pristine, dir, { recursive: true });
  return dir;
}

const VMS = 'tenants/acme/vms.yaml';
const OFFERINGS = 'catalog/offerings.yaml';

/** Breaks two files: a VM address outside its network, and an unknown field in an offering. */
function breakRepo(dir: string): { vms: string; offerings: string } {
  const vms = editFile(dir, VMS, '{ network: web-net, ip: 10.1.1.10 }', '{ network: web-net, ip: 10.9.9.10 }');
  const offerings = editFile(dir, OFFERINGS, 'spec: { sizeGiB: 50 }', 'spec: { sizeGiB: 50, sizeGB: 50 }');
  return { vms, offerings };
}

function expectNoStackTrace(r: CliResult): void {
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stdout).not.toMatch(STACK_TRACE);
}

describe('cairn validate (human output)', () => {
  it('exits 1 after a broken commit and lists every error as file:line:col: error [rule] ...', async () => {
    const dir = freshRepo();
    const { vms, offerings } = breakRepo(dir);
    const head = await commitAll(dir, 'break two files');

    const r = await cairn(['validate'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    const summary = lines.pop()!;
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(l).toMatch(ISSUE_LINE);
    expect(summary).toBe(`invalid: ${lines.length} error${lines.length === 1 ? '' : 's'} in 2 files (revision ${head.slice(0, 12)})`);

    // Each error is on the node at fault.
    const ip = positionOf(vms, '10.9.9.10');
    expect(lines).toContain(`${VMS}:${ip.line}:${ip.column}: error [address.ip-outside] VirtualMachine web-1: ip 10.9.9.10 is outside network web-net's cidr 10.1.1.0/24`);
    const field = positionOf(offerings, 'sizeGB');
    expect(lines.some((l) => l.startsWith(`${OFFERINGS}:${field.line}:${field.column}: error [schema.`) && l.includes('DiskOffering data-50') && l.includes('sizeGB'))).toBe(true);
    // Sorted by file, then position.
    const keys = lines.map((l) => ISSUE_LINE.exec(l)!.groups!).map((g) => [g.file!, Number(g.line), Number(g.column)] as const);
    expect([...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]))).toEqual(keys);
    expectNoStackTrace(r);
  });

  it('gives the same answer the second time, from the cache, and with --no-cache', async () => {
    const dir = freshRepo();
    breakRepo(dir);
    await commitAll(dir, 'break');
    const first = await cairn(['validate'], { cwd: dir });
    expect(fs.existsSync(path.join(dir, '.cairn'))).toBe(true);
    expect(await cairn(['validate'], { cwd: dir })).toEqual(first);
    expect(await cairn(['validate', '--no-cache'], { cwd: dir })).toEqual(first);
  });

  it('keeps its cache where --state-dir says, and nowhere with --no-cache', async () => {
    const dir = freshRepo();
    const state = path.join(tempDir(), 'state');
    expect((await cairn(['validate', '--state-dir', state], { cwd: dir })).code).toBe(0);
    expect(fs.existsSync(state)).toBe(true);
    expect(fs.existsSync(path.join(dir, '.cairn'))).toBe(false);
    expect((await cairn(['validate', '--no-cache'], { cwd: dir })).code).toBe(0);
    expect(fs.existsSync(path.join(dir, '.cairn'))).toBe(false);
  });
});

describe('cairn validate --json', () => {
  it('prints exactly one JSON object {valid, revision, errors}', async () => {
    const dir = freshRepo();
    const { vms } = breakRepo(dir);
    const head = await commitAll(dir, 'break');
    const r = await cairn(['validate', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const out = JSON.parse(r.stdout) as { valid: boolean; revision: string; errors: Record<string, unknown>[] };
    expect(Object.keys(out).sort()).toEqual(['errors', 'revision', 'valid']);
    expect(out.valid).toBe(false);
    expect(out.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(out.revision).toBe(head);
    expect(out.errors.length).toBeGreaterThanOrEqual(2);
    for (const e of out.errors) {
      expect(e).toMatchObject({ file: expect.any(String), line: expect.any(Number), column: expect.any(Number), rule: expect.any(String), message: expect.any(String) });
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.column).toBeGreaterThanOrEqual(1);
    }
    const ip = positionOf(vms, '10.9.9.10');
    expect(out.errors).toContainEqual(expect.objectContaining({ file: VMS, ...ip, kind: 'VirtualMachine', name: 'web-1', rule: 'address.ip-outside' }));

    // The human output lists the same errors.
    const human = await cairn(['validate'], { cwd: dir });
    expect(human.stdout.trimEnd().split('\n').length - 1).toBe(out.errors.length);
  });

  it('--rev HEAD~1 validates the previous commit', async () => {
    const dir = freshRepo();
    const [good] = await history(dir);
    breakRepo(dir);
    await commitAll(dir, 'break');
    const r = await cairn(['validate', '--json', '--rev', 'HEAD~1'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ valid: true, revision: good!.oid, errors: [] });
    // Any spelling of a revision: branch, full or abbreviated commit id, HEAD^.
    for (const rev of ['main~1', good!.oid, good!.oid.slice(0, 7), 'HEAD^']) {
      expect((await cairn(['validate', '--rev', rev], { cwd: dir })).code).toBe(0);
    }
    expect((await cairn(['validate', '--rev', 'main'], { cwd: dir })).code).toBe(1);
  });
});

describe('cairn validate --worktree', () => {
  it('sees uncommitted edits, which the default (HEAD) does not', async () => {
    const dir = freshRepo();
    const { vms } = breakRepo(dir);

    const committed = await cairn(['validate'], { cwd: dir });
    expect(committed.code).toBe(0);
    expect(committed.stdout).toMatch(/^valid: /);

    const worktree = await cairn(['validate', '--worktree'], { cwd: dir });
    expect(worktree.code).toBe(1);
    const ip = positionOf(vms, '10.9.9.10');
    expect(worktree.stdout).toContain(`${VMS}:${ip.line}:${ip.column}: error [address.ip-outside]`);
    expect(worktree.stdout).toMatch(/\(working tree\)\n$/);

    const json = JSON.parse((await cairn(['validate', '--worktree', '--json'], { cwd: dir })).stdout) as { revision: unknown };
    expect(json.revision).toBeNull();
  });

  it('and a fix that is not committed yet does not make HEAD valid', async () => {
    const dir = freshRepo();
    breakRepo(dir);
    await commitAll(dir, 'break');
    editFile(dir, VMS, 'ip: 10.9.9.10', 'ip: 10.1.1.10');
    editFile(dir, OFFERINGS, ', sizeGB: 50', '');
    expect((await cairn(['validate', '--worktree'], { cwd: dir })).code).toBe(0);
    expect((await cairn(['validate'], { cwd: dir })).code).toBe(1);
  });

  it('reads a plain folder that is not a repository', async () => {
    const dir = tempDir();
    fs.cpSync(freshRepo(), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.git`) });
    expect(fs.existsSync(path.join(dir, '.git'))).toBe(false);
    const r = await cairn(['validate', '--worktree', '--no-cache'], { cwd: dir });
    expect(r.code).toBe(0);
  });
});

describe('cairn validate --repo', () => {
  it('validates a repository from another working directory, by absolute or relative path', async () => {
    const dir = freshRepo();
    const elsewhere = tempDir();
    const abs = await cairn(['validate', '--repo', dir], { cwd: elsewhere });
    expect(abs.code).toBe(0);
    expect(abs.stdout).toMatch(/^valid: /);
    const rel = await cairn(['validate', '--repo', path.basename(dir)], { cwd: path.dirname(dir) });
    expect(rel).toEqual(abs);
    // The cache goes in the repository's .cairn, not in the working directory.
    expect(fs.existsSync(path.join(dir, '.cairn'))).toBe(true);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });

  it('prints paths relative to the repository, whatever the working directory', async () => {
    const dir = freshRepo();
    breakRepo(dir);
    await commitAll(dir, 'break');
    const r = await cairn(['validate', '--repo', dir], { cwd: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${VMS}:\\d+:\\d+: error \\[address\\.ip-outside\\]`, 'm'));
  });
});

describe('cairn validate on something it cannot read', () => {
  it('a folder that is not a git repository: exit 74, a clear message, no stack trace', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'zone.yaml'), 'apiVersion: cairn.dev/v1\n');
    const r = await cairn(['validate'], { cwd: dir });
    expect(r.code).toBe(74);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`cairn validate: ${dir}: not a git repository (no .git folder); use --worktree to read plain files [REPOSITORY_UNREADABLE]\n`);
  });

  it('a folder that does not exist: exit 74', async () => {
    const dir = path.join(tempDir(), 'nowhere');
    for (const extra of [[], ['--worktree']]) {
      const r = await cairn(['validate', '--repo', dir, ...extra], { cwd: tempDir() });
      expect(r.code).toBe(74);
      expect(r.stderr).toBe(`cairn validate: ${dir}: no such directory [REPOSITORY_UNREADABLE]\n`);
    }
  });

  it('a file given as the repository: exit 74', async () => {
    const dir = freshRepo();
    for (const extra of [[], ['--worktree']]) {
      const r = await cairn(['validate', '--repo', path.join(dir, VMS), ...extra], { cwd: dir });
      expect(r.code).toBe(74);
      expect(r.stderr).toMatch(/^cairn validate: .*vms\.yaml/);
      expectNoStackTrace(r);
    }
  });

  it('an unknown revision: exit 64, naming it', async () => {
    const dir = freshRepo();
    for (const rev of ['no-such-branch', 'HEAD~1', 'HEAD^2', 'deadbeef', '~', '']) {
      const r = await cairn(['validate', '--rev', rev], { cwd: dir });
      expect(r.code, rev).toBe(64);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`cairn validate: revision "${rev}" not found in the repository [REVISION_NOT_FOUND]\n`);
    }
  });

  it('--json does not change where errors of the command itself go: stderr, not stdout', async () => {
    const r = await cairn(['validate', '--json', '--rev', 'nope'], { cwd: freshRepo() });
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
  });

  it('a repository without commits: exit 64, not a crash', async () => {
    const dir = tempDir();
    await git.init({ fs, dir, defaultBranch: 'main' });
    const r = await cairn(['validate'], { cwd: dir });
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^cairn validate: revision "HEAD": the repository has no commits yet/);
  });
});
