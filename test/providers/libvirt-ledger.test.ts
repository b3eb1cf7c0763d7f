/**
 * The libvirt ledger is read through a cache validated by the file's stat: a write by another
 * process (another Ledger on the same state folder) must show at the next read, never a stale copy.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../providers/libvirt/ledger.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ledger-'));
  dirs.push(d);
  return d;
};

describe('libvirt ledger', () => {
  it('is empty without a file, and sees what another instance writes', () => {
    const dir = stateDir();
    const a = new Ledger(dir);
    const b = new Ledger(dir);
    expect(b.all()).toEqual([]);
    a.put({ kind: 'Host', name: 'h1', spec: { url: 'qemu:///system' } });
    expect(b.all('Host').map((e) => e.name)).toEqual(['h1']);
    // b now holds a cached copy; a second write of the same size by a must still show.
    a.put({ kind: 'Host', name: 'h1', spec: { url: 'qemu:///systex' } });
    expect(b.get('Host', undefined, 'h1')!.spec.url).toBe('qemu:///systex');
    b.remove('Host', undefined, 'h1');
    expect(a.all()).toEqual([]);
  });

  it('keeps its own writes when read back many times', () => {
    const l = new Ledger(stateDir());
    for (let i = 0; i < 50; i++) l.put({ kind: 'Volume', owner: 'account:acme', name: `v${i}`, spec: {} });
    for (let i = 0; i < 100; i++) expect(l.all('Volume')).toHaveLength(50);
    l.remove('Volume', 'account:acme', 'v7');
    expect(l.get('Volume', 'account:acme', 'v7')).toBeUndefined();
    expect(l.all('Volume')).toHaveLength(49);
  });
});
