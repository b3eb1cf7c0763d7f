import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadResult } from '../../desired-state/model.js';
import {
  FULL_SIZE,
  checkParams,
  expectedCounts,
  flipFirstVmState,
  generateDatacenter,
  renderDatacenter,
  scaleParams,
  type DatacenterParams,
  type GenerateResult,
} from './generate-datacenter.js';

const TINY: DatacenterParams = {
  zones: 2,
  podsPerZone: 2,
  clustersPerPod: 2,
  hostsPerCluster: 3,
  accounts: 7,
  networksPerAccount: 3,
  vmsPerNetwork: 12,
};

interface Doc {
  kind: string;
  metadata: { name: string; account?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

const LOADER = fileURLToPath(new URL('../../desired-state/load.ts', import.meta.url));
const gitCli = spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0;
const quiet = (): void => {};

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  expect(parts).toHaveLength(4);
  return parts.reduce((acc, o) => {
    expect(o >= 0 && o <= 255).toBe(true);
    return acc * 256 + o;
  }, 0);
}

function parseCidr(cidr: string): { start: number; end: number } {
  const [ip, len] = cidr.split('/');
  const bits = Number(len);
  const size = 2 ** (32 - bits);
  const start = ipToInt(ip!);
  expect(start % size).toBe(0);
  return { start, end: start + size - 1 };
}

const inside = (ip: string, c: { start: number; end: number }): boolean => {
  const n = ipToInt(ip);
  return n >= c.start && n <= c.end;
};

function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name === '.git') continue;
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else h.update(path.relative(dir, abs)).update('\0').update(fs.readFileSync(abs)).update('\0');
    }
  };
  walk(dir);
  return h.digest('hex');
}

function parseAll(p: DatacenterParams): { docs: Doc[]; perFile: Map<string, number> } {
  const docs: Doc[] = [];
  const perFile = new Map<string, number>();
  for (const f of renderDatacenter(p)) {
    const parsed = loadAll(f.content) as Doc[];
    perFile.set(f.path, parsed.length);
    expect(parsed.length, f.path).toBe(f.documents);
    docs.push(...parsed);
  }
  return { docs, perFile };
}

describe('generate-datacenter', () => {
  let tmp: string;
  let first: GenerateResult;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-gen-test-'));
    first = await generateDatacenter(path.join(tmp, 'a'), TINY, { log: quiet });
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('defaults to the full size: 25,000 hosts, 250,000 VMs, ~282,000 documents', () => {
    const c = expectedCounts(FULL_SIZE);
    expect(c.byKind.Host).toBe(25_000);
    expect(c.byKind.VirtualMachine).toBe(250_000);
    expect(c.documents).toBeGreaterThan(281_000);
    expect(c.documents).toBeLessThan(283_000);
    expect(() => checkParams(FULL_SIZE)).not.toThrow();
    const quick = scaleParams(FULL_SIZE, 0.01);
    expect(quick.accounts).toBe(10);
    expect(quick.clustersPerPod).toBe(1);
  });

  it('is deterministic: same parameters give the same bytes and the same commit', async () => {
    const again = [...renderDatacenter(TINY)];
    expect(again).toEqual([...renderDatacenter(TINY)]);
    const second = await generateDatacenter(path.join(tmp, 'b'), TINY, { log: quiet });
    expect(treeHash(second.dir)).toBe(treeHash(first.dir));
    expect(second.bytes).toBe(first.bytes);
    expect(second.commit).toBe(first.commit);
    const other = [...renderDatacenter({ ...TINY, vmsPerNetwork: 11 })];
    expect(other).not.toEqual(again);
  });

  it.skipIf(!gitCli)('makes the same single commit with the git CLI and with isomorphic-git', async () => {
    const cli = await generateDatacenter(path.join(tmp, 'cli'), TINY, { git: 'cli', log: quiet });
    const iso = await generateDatacenter(path.join(tmp, 'iso'), TINY, { git: 'isomorphic', log: quiet });
    expect(cli.git).toBe('cli');
    expect(iso.git).toBe('isomorphic');
    expect(iso.commit).toBe(cli.commit);
    const count = spawnSync('git', ['rev-list', '--count', 'HEAD'], { cwd: iso.dir, encoding: 'utf8' });
    expect(count.stdout.trim()).toBe('1');
    const status = spawnSync('git', ['status', '--porcelain'], { cwd: iso.dir, encoding: 'utf8' });
    expect(status.stdout).toBe('');
  });

  it('writes the counts it computes', () => {
    const expected = expectedCounts(TINY);
    const { docs, perFile } = parseAll(TINY);
    expect(perFile.size).toBe(expected.files);
    expect(first.files).toBe(expected.files);
    expect(first.documents).toBe(expected.documents);
    expect(docs).toHaveLength(expected.documents);
    const byKind: Record<string, number> = {};
    for (const d of docs) byKind[d.kind] = (byKind[d.kind] ?? 0) + 1;
    expect(byKind).toEqual(expected.byKind);
    expect(byKind.Host).toBe(TINY.zones * TINY.podsPerZone * TINY.clustersPerPod * TINY.hostsPerCluster);
    expect(byKind.VirtualMachine).toBe(TINY.accounts * TINY.networksPerAccount * TINY.vmsPerNetwork);
    for (const d of docs) expect((d as unknown as { apiVersion: string }).apiVersion).toBe('cairn.dev/v1');
  });

  it('gives every resource a unique name per (kind, account) and resolves its references', () => {
    const { docs } = parseAll(TINY);
    const seen = new Set<string>();
    for (const d of docs) {
      const key = `${d.kind}/${d.metadata.account ?? ''}/${d.metadata.name}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
    const has = (kind: string, name: unknown, account?: string): boolean => seen.has(`${kind}/${account ?? ''}/${String(name)}`);
    for (const d of docs) {
      const s = d.spec;
      const acct = d.metadata.account;
      if (d.kind === 'Pod') expect(has('Zone', s.zone)).toBe(true);
      if (d.kind === 'Cluster') expect(has('Pod', s.pod)).toBe(true);
      if (d.kind === 'Host' || (d.kind === 'PrimaryStorage' && s.cluster)) expect(has('Cluster', s.cluster)).toBe(true);
      if (d.kind === 'Account') expect(has('Domain', s.domain)).toBe(true);
      if (d.kind === 'Network') {
        expect(has('Zone', s.zone)).toBe(true);
        expect(has('Account', acct)).toBe(true);
      }
      if (d.kind === 'VirtualMachine') {
        expect(has('ServiceOffering', s.serviceOffering)).toBe(true);
        expect(has('Template', s.template)).toBe(true);
        for (const nic of s.networks as { network: string }[]) expect(has('Network', nic.network, acct), nic.network).toBe(true);
      }
    }
  });

  it('keeps networks inside their zone, non-overlapping, and VM addresses inside and distinct', () => {
    const { docs } = parseAll(TINY);
    const zones = new Map<string, { start: number; end: number }>();
    for (const d of docs) if (d.kind === 'Zone') zones.set(d.metadata.name, parseCidr(String(d.spec.guestCidr)));
    const zoneRanges = [...zones.values()].sort((a, b) => a.start - b.start);
    for (let i = 1; i < zoneRanges.length; i++) expect(zoneRanges[i]!.start).toBeGreaterThan(zoneRanges[i - 1]!.end);

    const nets = new Map<string, { zone: string; range: { start: number; end: number }; ips: Set<string> }>();
    const ranges: { start: number; end: number; key: string }[] = [];
    for (const d of docs) {
      if (d.kind !== 'Network') continue;
      const range = parseCidr(String(d.spec.cidr));
      const zone = String(d.spec.zone);
      expect(range.end - range.start).toBe(255);
      expect(range.start >= zones.get(zone)!.start && range.end <= zones.get(zone)!.end).toBe(true);
      expect(ipToInt(String(d.spec.gateway))).toBe(range.start + 1);
      expect(d.spec.vlan).toBe('auto');
      expect(d.spec.type).toBe('Isolated');
      const key = `${d.metadata.account}/${d.metadata.name}`;
      nets.set(key, { zone, range, ips: new Set() });
      ranges.push({ ...range, key });
    }
    // Stronger than the rule (no overlap within one account and zone): no two networks overlap at all.
    ranges.sort((a, b) => a.start - b.start);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.start, ranges[i]!.key).toBeGreaterThan(ranges[i - 1]!.end);

    let omitted = 0;
    const states = new Set<string>();
    for (const d of docs) {
      if (d.kind !== 'VirtualMachine') continue;
      states.add(String(d.spec.state));
      for (const nic of d.spec.networks as { network: string; ip?: string }[]) {
        const net = nets.get(`${d.metadata.account}/${nic.network}`)!;
        expect(d.spec.zone).toBe(net.zone);
        if (nic.ip === undefined) {
          omitted++;
          continue;
        }
        expect(inside(nic.ip, net.range), nic.ip).toBe(true);
        expect(ipToInt(nic.ip) - net.range.start).toBeGreaterThanOrEqual(10);
        expect(net.ips.has(nic.ip), nic.ip).toBe(false);
        net.ips.add(nic.ip);
      }
    }
    expect(omitted).toBeGreaterThan(0);
    expect(states).toEqual(new Set(['Running', 'Stopped']));
    // VMs are spread over every zone.
    expect(new Set([...nets.values()].map((n) => n.zone)).size).toBe(TINY.zones);
  });

  it('flips exactly one VM state line for the one-file change', () => {
    const vms = [...renderDatacenter(TINY)].find((f) => f.path.endsWith('/vms.yaml'))!.content;
    const flipped = flipFirstVmState(vms);
    expect(flipped.length).toBe(vms.length);
    const a = vms.split('\n');
    const b = flipped.split('\n');
    expect(a.filter((line, i) => line !== b[i])).toHaveLength(1);
    expect(flipFirstVmState(flipped)).toBe(vms);
  });

  it('rejects parameters that cannot make a valid data center', () => {
    expect(() => checkParams({ ...TINY, vmsPerNetwork: 300 })).toThrow(RangeError);
    expect(() => checkParams({ ...TINY, accounts: 0 })).toThrow(RangeError);
    expect(() => checkParams({ ...TINY, zones: 1, accounts: 20_000 })).toThrow(RangeError);
  });

  it.skipIf(!fs.existsSync(LOADER))('loads with valid: true', async () => {
    const mod = (await import(pathToFileURL(LOADER).href)) as {
      loadDesiredState(opts: { repo: string; rev?: string; stateDir?: string }): Promise<LoadResult>;
    };
    const stateDir = path.join(tmp, 'state');
    const result = await mod.loadDesiredState({ repo: first.dir, rev: 'HEAD', stateDir });
    expect(result.errors.slice(0, 5)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.model.resources).toHaveLength(first.documents);
    expect(result.model.revision).toBe(first.commit);
    expect(result.stats.files).toBe(first.files);
  });
});
