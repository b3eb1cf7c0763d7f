import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../controller/cli/command.js';
import { commands } from '../../controller/cli/commands.js';
import { runCli } from '../../controller/cli/run-cli.js';
import { cairn, projectRoot, removeTempDirs, STACK_TRACE, tempDir } from '../support/cli.js';

/*
 * Help and usage errors, in process. Usage errors exit 64 (sysexits EX_USAGE) with a one-line
 * message on stderr and nothing on stdout, so a script can tell "you called me wrong" from
 * "your YAML is wrong" (1).
 */

let cwd: string;
beforeAll(() => {
  cwd = tempDir();
});
afterAll(removeTempDirs);

const name = (c: Command) => c.path.join(' ');

describe('cairn --help', () => {
  it('lists every command with its summary and exits 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const r = await cairn([flag], { cwd });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      for (const c of commands) expect(r.stdout).toMatch(new RegExp(`^  ${name(c)}\\s+${escape(c.summary)}$`, 'm'));
      expect(r.stdout).toContain('Exit codes:');
    }
  });

  it('lists the real commands, at least init and validate', () => {
    expect(commands.map(name)).toEqual(expect.arrayContaining(['init', 'validate']));
  });

  it('prints the same help but exits 64 when no command is given', async () => {
    const r = await cairn([], { cwd });
    expect(r.code).toBe(64);
    expect(r.stdout).toBe((await cairn(['--help'], { cwd })).stdout);
  });

  it('prints the version of the cairn package, not of whatever package runs it under npm', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    const r = await cairn(['--version'], { cwd, env: { npm_package_version: '9.9.9-someone-else' } });
    expect(r).toEqual({ code: 0, stdout: `cairn ${pkg.version}\n`, stderr: '' });
  });
});

describe('cairn COMMAND --help', () => {
  for (const c of commands) {
    it(`describes every flag of ${name(c)}, and --help and help ${name(c)} print the same`, async () => {
      const r = await cairn([...c.path, '--help'], { cwd });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\n')[0]).toBe(`usage: cairn ${c.usage}`);
      expect(r.stdout).toContain(c.summary);
      for (const o of c.options) {
        const flag = `--${o.name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
        // The flag and its description on one line.
        expect(r.stdout).toMatch(new RegExp(`^\\s+(-${o.short ?? '\\w'}, )?${escape(flag)}\\s+${escape(o.description)}`, 'm'));
      }
      expect(r.stdout).toMatch(/^\s+-h, --help\s+show this help$/m);
      expect((await cairn([...c.path, '-h'], { cwd })).stdout).toBe(r.stdout);
      expect((await cairn(['help', ...c.path], { cwd })).stdout).toBe(r.stdout);
    });
  }

  it('validate --help names every exit code it can return', async () => {
    const r = await cairn(['validate', '--help'], { cwd });
    for (const code of ['0', '1', '64', '74']) expect(r.stdout).toMatch(new RegExp(`\\b${code}\\b`));
  });
});

describe('usage errors exit 64 with a message and no stack trace', () => {
  const cases: { argv: string[]; stderr: RegExp }[] = [
    { argv: ['frobnicate'], stderr: /^cairn: unknown command "frobnicate"; run 'cairn --help' for the list\n$/ },
    { argv: ['--frobnicate'], stderr: /unknown command "--frobnicate"/ },
    { argv: ['help', 'frobnicate'], stderr: /^cairn help: unknown command "frobnicate"/ },
    { argv: ['validate', '--frobnicate'], stderr: /^cairn validate: Unknown option '--frobnicate'\nusage: cairn validate / },
    { argv: ['validate', '-z'], stderr: /^cairn validate: Unknown option '-z'/ },
    { argv: ['init', '--frobnicate'], stderr: /^cairn init: Unknown option '--frobnicate'\nusage: cairn init / },
    { argv: ['validate', '--rev'], stderr: /^cairn validate: Option '--rev <value>' argument missing/ },
    { argv: ['validate', '--json=yes'], stderr: /^cairn validate: .*--json/ },
    { argv: ['validate', 'some-dir'], stderr: /^cairn validate: unexpected argument "some-dir"; the repository is given with --repo DIR/ },
    { argv: ['validate', '--worktree', '--rev', 'HEAD~1'], stderr: /^cairn validate: --rev and --worktree exclude each other/ },
    { argv: ['init', 'a', 'b'], stderr: /^cairn init: at most one folder\n$/ },
    { argv: ['init', 'x', '--author', 'just a name'], stderr: /^cairn init: --author must look like "Name <email>"/ },
  ];
  for (const { argv, stderr } of cases) {
    it(`cairn ${argv.join(' ')}`, async () => {
      const r = await cairn(argv, { cwd });
      expect(r.code).toBe(64);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(stderr);
      expect(r.stderr).not.toMatch(STACK_TRACE);
    });
  }

  it('a refused init writes nothing', async () => {
    await cairn(['init', 'x', '--author', 'just a name'], { cwd });
    expect(fs.existsSync(path.join(cwd, 'x'))).toBe(false);
  });
});

describe('a bug in a command', () => {
  const crashing: Command = {
    path: ['crash'],
    summary: 'throws',
    usage: 'crash',
    options: [],
    async run() {
      throw new TypeError("Cannot read properties of undefined (reading 'spec')");
    },
  };

  it('is reported in one line with exit 70, not as a stack trace', async () => {
    const out = { text: '' };
    const err = { text: '' };
    const io = (s: { text: string }) => ({ write: (chunk: string) => ((s.text += chunk), true) }) as unknown as NodeJS.WritableStream;
    const code = await runCli(['crash'], { stdout: io(out), stderr: io(err), cwd, env: {} }, [crashing]);
    expect(code).toBe(70);
    expect(out.text).toBe('');
    expect(err.text).toBe(
      "cairn crash: internal error: Cannot read properties of undefined (reading 'spec'); this is a bug in cairn, please report it (set CAIRN_DEBUG=1 for the stack trace)\n",
    );
  });

  it('shows the stack with CAIRN_DEBUG=1, for the bug report', async () => {
    const err = { text: '' };
    const sink = (s: { text: string }) => ({ write: (chunk: string) => ((s.text += chunk), true) }) as unknown as NodeJS.WritableStream;
    const code = await runCli(['crash'], { stdout: sink({ text: '' }), stderr: sink(err), cwd, env: { CAIRN_DEBUG: '1' } }, [crashing]);
    expect(code).toBe(70);
    expect(err.text).toMatch(STACK_TRACE);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
