/**
 * Which files are loaded: a git revision (any ref, commit id or `REV~n` / `REV^n` expression),
 * read from the object store so that uncommitted edits never leak in; or, with `worktree`, the
 * uncommitted files themselves; bare repositories included.
 */
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RevisionNotFoundError } from '../../desired-state/errors/revision-not-found-error.js';
import { loadDesiredState } from '../../desired-state/load.js';
import { resolveRevision } from '../../desired-state/source/resolve-revision.js';
import {
  annotatedTag, branch, checkout, commitFiles, exampleFiles, exampleWith, lines, makeRepo, makeTempDir, positionOf, removeTempDirs,
} from '../support/desired-state-repo.js';
import { expectIssues, expectOneIssue } from '../support/expect-issues.js';

const VMS = 'tenants/acme/vms.yaml';
const NETWORK = 'tenants/acme/network.yaml';

/*
 * History:   c1 (valid, tag v1) ── c2 (main: a typo in vms.yaml) ── c3 (feature: a bad cidr)
 *                                    └──────────── merged (parents c2, c3) ───┘
 */
let repo: string;
let c1: string;
let c2: string;
let c3: string;
let merged: string;
const typo = exampleWith(VMS, '  serviceOffering: large-ssd', '  servceOffering: large-ssd');
const badCidr = exampleWith(NETWORK, 'cidr: 10.1.1.0/24', 'cidr: 10.1.1.0/33');
const typoAt = { file: VMS, ...positionOf(typo[VMS]!, 'servceOffering'), rule: 'schema.unknown-field' };
const cidrAt = { file: NETWORK, ...positionOf(badCidr[NETWORK]!, '10.1.1.0/33'), rule: 'schema.format' };

beforeAll(async () => {
  repo = await makeRepo(exampleFiles(), 'c1: the example');
  c1 = await git.resolveRef({ fs, dir: repo, ref: 'HEAD' });
  await annotatedTag(repo, 'v1', 'first release');
  c2 = await commitFiles(repo, { [VMS]: typo[VMS]! }, 'c2: a typo');
  await branch(repo, 'feature', true);
  c3 = await commitFiles(repo, { [NETWORK]: badCidr[NETWORK]! }, 'c3: a bad cidr');
  await checkout(repo, 'main');
  const { commit } = await git.readCommit({ fs, dir: repo, oid: c3 });
  merged = await git.commit({
    fs, dir: repo, ref: 'refs/heads/merged', noUpdateBranch: false, tree: commit.tree, parent: [c2, c3], message: 'merge feature',
    author: { name: 'cairn test', email: 'test@cairn.invalid', timestamp: 1_800_000_000, timezoneOffset: 0 },
  });
});
afterAll(removeTempDirs);

const load = (rev?: string, opts: { worktree?: boolean; repo?: string } = {}) =>
  loadDesiredState({ repo: opts.repo ?? repo, rev, worktree: opts.worktree, stateDir: false });

describe('resolveRevision', () => {
  const gitdir = () => path.join(repo, '.git');
  const cases: [string, () => string][] = [
    ['HEAD', () => c2],
    ['HEAD~1', () => c1],
    ['HEAD^', () => c1],
    ['HEAD~', () => c1],
    ['HEAD~0', () => c2],
    ['main', () => c2],
    ['refs/heads/main', () => c2],
    ['feature', () => c3],
    ['feature~2', () => c1],
    ['feature^^', () => c1],
    ['v1', () => c1],
    ['refs/tags/v1', () => c1],
    ['merged^1', () => c2],
    ['merged^2', () => c3],
    ['merged^2~1', () => c2],
  ];
  for (const [rev, expected] of cases) {
    it(`resolves ${rev}`, async () => {
      expect(await resolveRevision(gitdir(), rev, {})).toBe(expected());
    });
  }

  it('resolves a full and an abbreviated commit id', async () => {
    expect(await resolveRevision(gitdir(), c1, {})).toBe(c1);
    expect(await resolveRevision(gitdir(), c1.slice(0, 7), {})).toBe(c1);
    expect(await resolveRevision(gitdir(), `${c3.slice(0, 8).toUpperCase()}~1`, {})).toBe(c2);
  });

  // HEAD~3 and v1^^ go past the root; merged~1 is c2, which has no second parent.
  for (const rev of ['HEAD~3', 'merged~1^2', 'no-such-branch', '', 'v1^^']) {
    it(`refuses ${JSON.stringify(rev)} with REVISION_NOT_FOUND`, async () => {
      const err = await resolveRevision(gitdir(), rev, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RevisionNotFoundError);
      expect((err as RevisionNotFoundError).code).toBe('REVISION_NOT_FOUND');
    });
  }
});

describe('loading a revision', () => {
  it('HEAD is the tip of the checked-out branch', async () => {
    const result = await load();
    expect(result.model.revision).toBe(c2);
    expectOneIssue(result, { ...typoAt, message: 'did you mean serviceOffering?' });
  });

  it('HEAD~1, HEAD^, a short commit id and an annotated tag all read the first commit', async () => {
    for (const rev of ['HEAD~1', 'HEAD^', c1.slice(0, 7), 'v1']) {
      const result = await load(rev);
      expect(result.model.revision, rev).toBe(c1);
      expectIssues(result, []);
    }
  });

  it('a branch name reads that branch', async () => {
    const result = await load('feature');
    expect(result.model.revision).toBe(c3);
    expectIssues(result, [typoAt, cidrAt]);
  });

  it('an unknown revision throws RevisionNotFoundError', async () => {
    await expect(load('HEAD~9')).rejects.toBeInstanceOf(RevisionNotFoundError);
  });
});

describe('uncommitted edits', () => {
  it('are ignored when reading a revision, and seen with worktree: true', async () => {
    const extra = 'tenants/acme/uncommitted.yaml';
    fs.writeFileSync(path.join(repo, extra), lines('apiVersion: cairn.dev/v1', 'kind: AffinityGroup', 'metadata: { name: g1, account: acme }', 'spec: { type: nearby }'));
    fs.writeFileSync(path.join(repo, VMS), exampleFiles()[VMS]!); // the typo fixed, not committed
    try {
      const committed = await load('HEAD');
      expect(committed.model.revision).toBe(c2);
      expectIssues(committed, [typoAt]);

      const worktree = await load(undefined, { worktree: true });
      expect(worktree.model.revision).toBeNull();
      expectIssues(worktree, [{ file: extra, line: 4, column: 15, rule: 'schema.enum' }]);
    } finally {
      fs.rmSync(path.join(repo, extra));
      fs.writeFileSync(path.join(repo, VMS), typo[VMS]!);
    }
  });

  it('worktree: true reads a plain folder that is not a repository', async () => {
    const dir = makeTempDir();
    for (const [rel, text] of Object.entries(exampleFiles())) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    expectIssues(await load(undefined, { worktree: true, repo: dir }), []);
  });
});

describe('a bare repository', () => {
  /** A bare copy of the test repository: its .git folder alone, as `git clone --bare` makes. */
  function bareCopy(): string {
    const bare = path.join(makeTempDir(), 'dc.git');
    fs.cpSync(path.join(repo, '.git'), bare, { recursive: true });
    const config = path.join(bare, 'config');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace(/bare = false/, 'bare = true'));
    return bare;
  }

  it('loads HEAD and older revisions', async () => {
    const bare = bareCopy();
    const head = await load('HEAD', { repo: bare });
    expect(head.model.revision).toBe(c2);
    expectIssues(head, [typoAt]);
    expectIssues(await load('v1', { repo: bare }), []);
    expectIssues(await load('feature', { repo: bare }), [typoAt, cidrAt]);
  });

  it('loads when every object is in a packfile', async () => {
    const bare = bareCopy();
    const objects = path.join(bare, 'objects');
    const loose = fs.readdirSync(objects).filter((d) => /^[0-9a-f]{2}$/.test(d));
    const oids = loose.flatMap((d) => fs.readdirSync(path.join(objects, d)).map((f) => d + f));
    const { filename } = await git.packObjects({ fs, gitdir: bare, oids, write: true });
    await git.indexPack({ fs, dir: bare, gitdir: bare, filepath: path.join('objects', 'pack', filename) });
    for (const d of loose) fs.rmSync(path.join(objects, d), { recursive: true });
    expectIssues(await load('HEAD', { repo: bare }), [typoAt]);
    expectIssues(await load('HEAD~1', { repo: bare }), []);
  });
});
