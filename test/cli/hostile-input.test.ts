import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cairn, cairnProcess, ISSUE_LINE, removeTempDirs, STACK_TRACE, tempDir } from '../support/cli.js';

/*
 * Files no one should commit, but someone will: `cairn validate` reports them as errors of the
 * revision (exit 1) and never crashes or prints a stack trace.
 *
 * Tests named "KNOWN BUG" use `it.fails`: they state the behaviour we want and currently fail. When
 * the bug is fixed they will start "failing" (an it.fails that passes is reported), and the fix is to
 * turn `it.fails` into `it`.
 */

afterAll(removeTempDirs);

function folderWith(files: Record<string, string | Uint8Array>): string {
  const dir = tempDir();
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

const doc = (kind: string, metadata: string, spec: string) => `apiVersion: cairn.dev/v1\nkind: ${kind}\nmetadata: ${metadata}\nspec: ${spec}\n`;

describe('cairn validate --worktree on hostile files', () => {
  it('binary garbage, a non-UTF-8 file and an alias bomb are each one error, exit 1', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const dir = folderWith({
      'garbage.yaml': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]),
      'latin1.yaml': new Uint8Array([...Buffer.from('apiVersion: cairn.dev/v1\nkind: Zone\nmetadata: {name: z'), 0xe9, ...Buffer.from('}\n')]),
      'bomb.yaml': `${bomb.join('\n')}\n`,
    });
    const r = await cairn(['validate', '--worktree', '--no-cache'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^invalid: \d+ errors in 3 files \(working tree\)$/);
    for (const l of lines.slice(0, -1)) expect(l).toMatch(ISSUE_LINE);
    expect(lines).toContain('latin1.yaml:3:19: error [file.encoding] not valid UTF-8: byte 0xe9 at offset 54; YAML files must be UTF-8');
    expect(lines.some((l) => l.startsWith('garbage.yaml:1:1: error [file.encoding]'))).toBe(true);
    expect(lines.some((l) => l.startsWith('bomb.yaml:') && l.includes('[yaml.alias-limit]'))).toBe(true);
  });

  // Semantic checks read fields of documents that failed their schema (to avoid cascading errors);
  // they once assumed the schema's types there (`.forEach` on a string, `new Set(5)`) and threw.
  const wrongTypes: Record<string, string> = {
    'Zone.spec.publicIpRanges is a string': doc('Zone', '{name: z}', '{networkType: Advanced, publicIpRanges: none}'),
    'Zone.spec.physicalNetworks is a string': [
      doc('Zone', '{name: z}', '{networkType: Advanced, physicalNetworks: none}'),
      doc('Account', '{name: a}', '{}'),
      doc('Network', '{name: n, account: a}', '{zone: z, type: Isolated, cidr: 10.0.0.0/24, vlan: 5}'),
    ].join('---\n'),
    'Host.spec.tags is a number': [
      doc('Zone', '{name: z}', '{networkType: Advanced}'),
      doc('Pod', '{name: p}', '{zone: z, gateway: 10.0.0.1, netmask: 255.255.255.0, startIp: 10.0.0.2, endIp: 10.0.0.9}'),
      doc('Cluster', '{name: c}', '{pod: p, hypervisor: KVM}'),
      doc('Host', '{name: h}', '{cluster: c, url: "qemu:///system", tags: 5}'),
      doc('ServiceOffering', '{name: o}', '{cpuCores: 1, cpuMhz: 1000, memoryMiB: 512}'),
      doc('Template', '{name: t}', '{url: sim://t, format: QCOW2, hypervisor: KVM}'),
      doc('Account', '{name: a}', '{}'),
      doc('Network', '{name: n, account: a}', '{zone: z, type: Isolated, cidr: 10.0.0.0/24}'),
      doc('VirtualMachine', '{name: v, account: a}', '{zone: z, serviceOffering: o, template: t, networks: [{network: n}]}'),
    ].join('---\n'),
  };

  for (const [what, text] of Object.entries(wrongTypes)) {
    it(`${what}: the schema error is reported (exit 1); the cross-document checks do not throw`, async () => {
      const r = await cairn(['validate', '--worktree', '--no-cache'], { cwd: folderWith({ 'dc.yaml': text }) });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^dc\.yaml:\d+:\d+: error \[schema\./m);
      expect(r.stdout).not.toMatch(STACK_TRACE);
    });
  }

  // An alias inside its own anchor builds a circular document; the loader then throws (the blob
  // cache's msgpackr overflows the stack; validate-document.ts JSON.stringify()s it). The CLI turns
  // that into one line and exit 70 (see the test below); the loader should report a YAML error.
  const recursive = 'apiVersion: cairn.dev/v1\nkind: Zone\nmetadata: &m {name: z, labels: *m}\nspec: {networkType: Advanced}\n';

  it('a recursive alias: no stack trace, whatever else happens', async () => {
    const r = await cairn(['validate', '--worktree'], { cwd: folderWith({ 'dc.yaml': recursive }) });
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect([1, 70]).toContain(r.code);
  });

  it('a recursive alias is reported as a YAML error (exit 1), not an internal error (exit 70)', async () => {
    const r = await cairn(['validate', '--worktree'], { cwd: folderWith({ 'dc.yaml': recursive }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^dc\.yaml:3:\d+: error \[yaml\./m);
  });

  // Two files of 850 `[` (or `- - - ...`): the `yaml` parser overflows the stack while composing,
  // and on the second file V8 aborts the whole process while compiling a regular expression deep in
  // that stack ("FATAL ERROR: RegExpCompiler Allocation failed - process out of memory", exit 134).
  // A controller that parses every commit can be killed by a 2 KB commit. Run as a process, since
  // the abort cannot be caught.
  it('deeply nested files are a syntax error, not an abort of the process', async () => {
    const dir = folderWith({ 'a.yaml': '['.repeat(1000), 'b.yaml': '- '.repeat(1000) });
    const r = await cairnProcess(['validate', '--worktree', '--no-cache'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^a\.yaml:1:\d+: error \[yaml\./m);
    expect(r.stdout).toMatch(/^b\.yaml:1:\d+: error \[yaml\./m);
  });
});
