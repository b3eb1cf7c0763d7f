/**
 * The incremental check (re-checking only the tenants a commit touched, against the previous
 * verdict) must say exactly what a full check says. fast-check drives random commit sequences over a
 * two-tenant data center; after every commit the cached, incremental load is compared with a load
 * that has no cache at all.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadDesiredState } from '../../desired-state/load.js';
import { commitFiles, exampleFiles, makeRepo, makeTempDir, removeTempDirs, type FileMap } from '../support/desired-state-repo.js';

afterAll(removeTempDirs);

type Doc = { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec: Record<string, unknown> };
const doc = (kind: string, metadata: Record<string, unknown>, spec: Record<string, unknown>): Doc => ({ apiVersion: 'cairn.dev/v1', kind, metadata, spec });

/** A second tenant, globex, beside the example's acme: same CIDR (allowed across accounts), its own public IP. */
function globexFiles(state: World): FileMap {
  const vms = state.globexVms.map((v) =>
    doc('VirtualMachine', { name: v.name, account: 'globex' }, { zone: 'zone1', serviceOffering: v.offering ?? 'small', template: 'debian-12', networks: [{ network: 'globex-net', ...(v.ip ? { ip: v.ip } : {}) }], state: 'Running' }),
  );
  return {
    'tenants/globex/account.yaml': stringify(doc('Account', { name: 'globex' }, { domain: 'customers', type: 'User', limits: { vms: state.globexVmLimit } })),
    'tenants/globex/network.yaml': [
      doc('Network', { name: 'globex-net', account: 'globex' }, { zone: 'zone1', type: 'Isolated', cidr: '10.1.1.0/24', gateway: '10.1.1.1', vlan: state.globexVlan }),
      doc('PublicIp', { name: 'globex-ip', account: 'globex' }, { zone: 'zone1', network: 'globex-net', address: state.globexPublicIp }),
    ].map((d) => stringify(d)).join('---\n'),
    'tenants/globex/vms.yaml': vms.length > 0 ? vms.map((d) => stringify(d)).join('---\n') : null,
  };
}

interface World {
  globexVms: { name: string; ip?: string; offering?: string }[];
  globexVmLimit: number;
  globexVlan: number | 'auto';
  globexPublicIp: string;
  acmeVlan: number | 'auto';
  acmePublicIp: string;
  acmeWeb1Ip: string;
  acmeTemplate: string;
}

function acmeFiles(state: World): FileMap {
  const base = exampleFiles();
  return {
    'tenants/acme/network.yaml': base['tenants/acme/network.yaml']!
      .replace('vlan: auto', `vlan: ${state.acmeVlan}`)
      .replace('address: auto', `address: ${state.acmePublicIp}`),
    'tenants/acme/vms.yaml': base['tenants/acme/vms.yaml']!
      .replace('ip: 10.1.1.10', `ip: ${state.acmeWeb1Ip}`)
      .replace('template: debian-12\n  networks:\n    - { network: web-net, ip', `template: ${state.acmeTemplate}\n  networks:\n    - { network: web-net, ip`),
  };
}

const ip = fc.integer({ min: 0, max: 12 }).map((n) => `10.1.1.${n}`);
// Few values, so that tenants collide often: collisions across tenants are the interesting case.
const publicIp = fc.constantFrom('192.168.2.5', '192.168.2.5', '192.168.2.6', '192.168.3.9', 'auto');
const vlan = fc.constantFrom<number | 'auto'>('auto', 150, 150, 151, 250);

/** One commit's worth of change: most touch one tenant only (the incremental case), some are global. */
const change: fc.Arbitrary<(w: World) => World> = fc.oneof(
  ip.map((v) => (w: World) => ({ ...w, acmeWeb1Ip: v })),
  vlan.map((v) => (w: World) => ({ ...w, acmeVlan: v })),
  publicIp.map((v) => (w: World) => ({ ...w, acmePublicIp: v })),
  fc.constantFrom('debian-12', 'debian-13').map((t) => (w: World) => ({ ...w, acmeTemplate: t })),
  vlan.map((v) => (w: World) => ({ ...w, globexVlan: v })),
  publicIp.map((v) => (w: World) => ({ ...w, globexPublicIp: v })),
  // Offerings that fit, fit only tagged hosts, or fit no host: the capacity verdict of a tenant-only
  // change comes from the hosts' profiles the previous check cached.
  fc.array(fc.record({ name: fc.constantFrom('g1', 'g2', 'g3'), ip: fc.option(ip, { nil: undefined }), offering: fc.constantFrom('small', 'large-ssd', 'giant') }), { maxLength: 3 }).map(
    (vms) => (w: World) => ({ ...w, globexVms: vms }),
  ),
  fc.integer({ min: 0, max: 3 }).map((n) => (w: World) => ({ ...w, globexVmLimit: n })),
);

const initial: World = {
  globexVms: [{ name: 'g1', ip: '10.1.1.10' }],
  globexVmLimit: 2,
  globexVlan: 'auto',
  globexPublicIp: 'auto',
  acmeVlan: 'auto',
  acmePublicIp: 'auto',
  acmeWeb1Ip: '10.1.1.10',
  acmeTemplate: 'debian-12',
};

/** A starting point of its own for each run, so collisions with an unchanged tenant come early. */
const world: fc.Arbitrary<World> = fc.record({
  globexVms: fc.constant(initial.globexVms),
  globexVmLimit: fc.constant(initial.globexVmLimit),
  globexVlan: vlan,
  globexPublicIp: publicIp,
  acmeVlan: vlan,
  acmePublicIp: publicIp,
  acmeWeb1Ip: fc.constant(initial.acmeWeb1Ip),
  acmeTemplate: fc.constant(initial.acmeTemplate),
});

describe('incremental check', () => {
  it('reports exactly what a full check reports, commit after commit', async () => {
    let incrementalLoads = 0;
    await fc.assert(
      fc.asyncProperty(world, fc.array(change, { minLength: 1, maxLength: 6 }), async (start, changes) => {
        let world = start;
        const giant = stringify(doc('ServiceOffering', { name: 'giant' }, { cpuCores: 2, cpuMhz: 1000, memoryMiB: 4194304 }));
        const repo = await makeRepo({ ...exampleFiles(), 'catalog/giant.yaml': giant, ...acmeFiles(world), ...globexFiles(world) });
        const stateDir = makeTempDir('cairn-incremental-');
        await loadDesiredState({ repo, stateDir });
        for (const apply of changes) {
          world = apply(world);
          await commitFiles(repo, { ...acmeFiles(world), ...globexFiles(world) }, 'change');
          const cached = await loadDesiredState({ repo, stateDir });
          const full = await loadDesiredState({ repo, stateDir: false });
          if (cached.stats.incremental) incrementalLoads++;
          expect(cached.errors).toEqual(full.errors);
          expect(cached.valid).toBe(full.valid);
          expect(cached.stats.documents).toBe(full.stats.documents);
          expect(cached.model.resources.length).toBe(full.model.resources.length);
        }
      }),
      { numRuns: 25 },
    );
    // Most changes touch one tenant: if none was checked incrementally, this test tested nothing.
    expect(incrementalLoads).toBeGreaterThan(10);
  });

  it('re-parses only the changed file and re-checks only its tenant', async () => {
    const repo = await makeRepo({ ...exampleFiles(), ...acmeFiles(initial), ...globexFiles(initial) });
    const stateDir = makeTempDir('cairn-incremental-');
    await loadDesiredState({ repo, stateDir });
    await commitFiles(repo, globexFiles({ ...initial, globexVms: [{ name: 'g1', ip: '10.1.1.11' }] }), 'move g1');
    const next = await loadDesiredState({ repo, stateDir });
    expect(next.stats).toMatchObject({ parsedFiles: 1, incremental: true, revisionCacheHit: false });
    expect(next.valid).toBe(true);
  });

  it('finds a VLAN collision between a re-checked tenant and one that did not change', async () => {
    const repo = await makeRepo({ ...exampleFiles(), ...acmeFiles({ ...initial, acmeVlan: 150 }), ...globexFiles(initial) });
    const stateDir = makeTempDir('cairn-incremental-');
    expect((await loadDesiredState({ repo, stateDir })).valid).toBe(true);
    await commitFiles(repo, globexFiles({ ...initial, globexVlan: 150 }), 'globex takes vlan 150');
    const next = await loadDesiredState({ repo, stateDir });
    expect(next.stats.incremental).toBe(true);
    expect(next.errors.map((e) => [e.file, e.rule])).toEqual([['tenants/globex/network.yaml', 'vlan.duplicate']]);
    expect(next.errors[0]!.message).toContain('acme/web-net');
  });

  it('checks everything again when a global document changes', async () => {
    const repo = await makeRepo({ ...exampleFiles(), ...acmeFiles(initial), ...globexFiles(initial) });
    const stateDir = makeTempDir('cairn-incremental-');
    await loadDesiredState({ repo, stateDir });
    await commitFiles(repo, globexFiles({ ...initial, globexVmLimit: 0 }), 'globex limit 0');
    const next = await loadDesiredState({ repo, stateDir });
    expect(next.stats.incremental).toBe(false);
    expect(next.errors.map((e) => e.rule)).toEqual(['limits.exceeded']);
  });
});
