import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cairnProcess, commitAll, editFile, history, ISSUE_LINE, removeTempDirs, STACK_TRACE, tempDir } from '../support/cli.js';

/*
 * The real binary, as a user runs it: `node controller/cli/main.ts` (through tsx) in a temp working
 * directory, with the exit code and the streams of a real process. Kept to a few runs: each costs
 * a node start-up.
 */

afterAll(removeTempDirs);

describe('cairn as a process', () => {
  it('a first session: init a folder, validate it, break it, see the error as JSON', async () => {
    const cwd = tempDir();
    const init = await cairnProcess(['init', 'dc'], { cwd });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^created \d+ files in .*dc and committed them/);

    const dc = path.join(cwd, 'dc');
    const ok = await cairnProcess(['validate'], { cwd: dc });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^valid: \d+ resources in \d+ files \(revision [0-9a-f]{12}\)\n$/);

    editFile(dc, 'tenants/acme/network.yaml', 'cidr: 10.1.1.0/24', 'cidr: 10.1.1.0/33');
    const head = await commitAll(dc, 'a typo');
    const bad = await cairnProcess(['validate', '--json'], { cwd: dc });
    expect(bad.stderr).toBe('');
    expect(bad.code).toBe(1);
    const out = JSON.parse(bad.stdout) as { valid: boolean; revision: string; errors: { file: string; rule: string }[] };
    expect(out.valid).toBe(false);
    expect(out.revision).toBe(head);
    expect(out.errors.map((e) => e.file)).toContain('tenants/acme/network.yaml');

    const human = await cairnProcess(['validate', '--rev', 'HEAD'], { cwd: dc });
    expect(human.code).toBe(1);
    const lines = human.stdout.trimEnd().split('\n');
    for (const l of lines.slice(0, -1)) expect(l).toMatch(ISSUE_LINE);
    expect(lines.at(-1)).toMatch(/^invalid: /);
    expect((await history(dc)).length).toBe(2);
    for (const r of [init, ok, bad, human]) expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('a folder that is not a repository: exit 74, one line on stderr, no stack trace', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'zone.yaml'), 'kind: Zone\n');
    const r = await cairnProcess(['validate'], { cwd });
    expect(r.code).toBe(74);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`cairn validate: ${cwd}: not a git repository (no .git folder); use --worktree to read plain files [REPOSITORY_UNREADABLE]\n`);
  });

  it('an unknown command: exit 64, no stack trace', async () => {
    const r = await cairnProcess(['vaildate'], { cwd: tempDir() });
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`cairn: unknown command "vaildate"; run 'cairn --help' for the list\n`);
  });
});
