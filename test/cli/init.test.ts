import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleDatacenterDir, exampleDatacenterFiles } from '../../desired-state/example-datacenter.js';
import { cairn, commitAll, history, removeTempDirs, STACK_TRACE, tempDir } from '../support/cli.js';

afterAll(removeTempDirs);

describe('cairn init DIR', () => {
  it('creates DIR as a git repository on main with the example committed in one commit', async () => {
    const cwd = tempDir();
    const r = await cairn(['init', 'dc'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const dir = path.join(cwd, 'dc');
    const commits = await history(dir);
    expect(commits).toHaveLength(1);
    expect(r.stdout).toContain(`committed them (${commits[0]!.oid.slice(0, 12)})`);
    expect(r.stdout).toMatch(/next:\n {2}cd dc\n/);
    expect(await git.currentBranch({ fs, dir })).toBe('main');

    // Exactly the example and the .gitignore are committed, byte for byte.
    const tracked = (await git.listFiles({ fs, dir, ref: 'HEAD' })).sort();
    expect(tracked).toEqual([...exampleDatacenterFiles(), '.gitignore'].sort());
    for (const rel of exampleDatacenterFiles()) {
      expect(fs.readFileSync(path.join(dir, rel), 'utf8')).toBe(fs.readFileSync(path.join(exampleDatacenterDir(), rel), 'utf8'));
    }
    // Nothing left uncommitted.
    for (const [file, head, workdir, stage] of await git.statusMatrix({ fs, dir })) expect([file, head, workdir, stage]).toEqual([file, 1, 1, 1]);
  });

  it('writes a .gitignore that ignores the state folder .cairn/', async () => {
    const cwd = tempDir();
    await cairn(['init', 'dc'], { cwd });
    const dir = path.join(cwd, 'dc');
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n')).toContain('.cairn/');
    expect(await git.isIgnored({ fs, dir, filepath: '.cairn/cache.mdb' })).toBe(true);
  });

  it('initialises the current folder when no DIR is given', async () => {
    const cwd = tempDir();
    const r = await cairn(['init'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/next:\n {2}cd \.\n/);
    expect(await history(cwd)).toHaveLength(1);
  });

  it('keeps what an existing .gitignore says and adds .cairn/ once', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, '.gitignore'), 'node_modules/'); // no final newline
    expect((await cairn(['init'], { cwd })).code).toBe(0);
    expect(fs.readFileSync(path.join(cwd, '.gitignore'), 'utf8')).toBe("node_modules/\n# cairn's state and cache\n.cairn/\n");
    expect((await cairn(['init', '--force'], { cwd })).code).toBe(0);
    expect(fs.readFileSync(path.join(cwd, '.gitignore'), 'utf8').match(/^\.cairn\/$/gm)).toHaveLength(1);
  });

  it('commits on top of an existing repository', async () => {
    const cwd = tempDir();
    await git.init({ fs, dir: cwd, defaultBranch: 'main' });
    fs.writeFileSync(path.join(cwd, 'README.md'), '# our data center\n');
    const first = await commitAll(cwd, 'readme');
    expect((await cairn(['init'], { cwd })).code).toBe(0);
    const commits = await history(cwd);
    expect(commits.map((c) => c.oid)).toEqual([expect.stringMatching(/^[0-9a-f]{40}$/), first]);
    expect(commits[0]!.message).toBe('cairn init: example data center');
  });

  it('uses --author for the commit', async () => {
    const cwd = tempDir();
    expect((await cairn(['init', '--author', 'Ada Lovelace <ada@example.org>'], { cwd })).code).toBe(0);
    const [c] = await git.log({ fs, dir: cwd, depth: 1 });
    expect(c!.commit.author).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.org' });
  });

  it('writes but does not commit with --no-commit', async () => {
    const cwd = tempDir();
    const r = await cairn(['init', 'dc', '--no-commit'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('committed');
    const dir = path.join(cwd, 'dc');
    expect(fs.existsSync(path.join(dir, '.git'))).toBe(true);
    expect(fs.existsSync(path.join(dir, exampleDatacenterFiles()[0]!))).toBe(true);
    await expect(git.log({ fs, dir })).rejects.toThrow();
  });

  describe('a folder that already holds YAML', () => {
    const withYaml = () => {
      const cwd = tempDir();
      const dir = path.join(cwd, 'dc');
      fs.mkdirSync(path.join(dir, 'zones'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'zones', 'mine.yaml'), 'kind: Zone\n');
      return { cwd, dir };
    };

    it('is refused with exit 1, naming the files, and left untouched', async () => {
      const { cwd, dir } = withYaml();
      const r = await cairn(['init', 'dc'], { cwd });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`cairn init: ${dir} already holds YAML files (zones/mine.yaml); use --force to write the example anyway\n`);
      expect(fs.readdirSync(dir)).toEqual(['zones']);
    });

    it('is refused when the YAML is a .yml file deep down, but YAML in dot-folders does not count', async () => {
      const cwd = tempDir();
      fs.mkdirSync(path.join(cwd, 'a/b/c'), { recursive: true });
      fs.writeFileSync(path.join(cwd, 'a/b/c/x.yml'), 'a: 1\n');
      expect((await cairn(['init'], { cwd })).code).toBe(1);

      const other = tempDir();
      fs.mkdirSync(path.join(other, '.github/workflows'), { recursive: true });
      fs.writeFileSync(path.join(other, '.github/workflows/ci.yaml'), 'on: push\n');
      expect((await cairn(['init'], { cwd: other })).code).toBe(0);
    });

    it('is written with --force, keeping the files that were there', async () => {
      const { cwd, dir } = withYaml();
      const r = await cairn(['init', 'dc', '--force'], { cwd });
      expect(r.code).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'zones', 'mine.yaml'), 'utf8')).toBe('kind: Zone\n');
      expect(await history(dir)).toHaveLength(1);
    });
  });

  it('reports a DIR that is a file as an I/O error (74), without a stack trace', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'taken'), '');
    const r = await cairn(['init', 'taken'], { cwd });
    expect(r.code).toBe(74);
    expect(r.stderr).toMatch(/^cairn init: .*taken/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('then `cairn validate` in the new folder exits 0 and says valid', async () => {
    const cwd = tempDir();
    await cairn(['init', 'dc'], { cwd });
    const r = await cairn(['validate'], { cwd: path.join(cwd, 'dc') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [head] = await history(path.join(cwd, 'dc'));
    expect(r.stdout).toMatch(new RegExp(`^valid: \\d+ resources in ${exampleDatacenterFiles().length} files \\(revision ${head!.oid.slice(0, 12)}\\)\\n$`));
  });
});
