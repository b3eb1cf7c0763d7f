/**
 * A small KVM data center on a private libvirtd for the libvirt provider's tests: one host, one dir
 * pool, a tiny template, an isolated /24 network, a 64 MiB offering. Each provider gets a fresh
 * state folder (its ledger) and a daemon wiped clean, so tests do not see each other's objects.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedCatalog } from '../../../providers/libvirt/catalog.js';
import { LibvirtProvider } from '../../../providers/libvirt/libvirt-provider.js';
import type { Provider } from '../../../providers/provider.js';
import type { Action, ActionOp, ActionResult } from '../../../reconcilers/action.js';
import { afterAll, beforeAll } from 'vitest';
import { startPrivateLibvirtd, type PrivateLibvirtd } from './private-libvirtd.js';
import { makeTinyTemplate, type TinyTemplate } from './tiny-template.js';

export const ACME = 'account:acme';

export const catalog = fixedCatalog([
  { kind: 'ServiceOffering', name: 'tiny', spec: { cpuCores: 1, cpuMhz: 500, memoryMiB: 64 } },
  { kind: 'ServiceOffering', name: 'tiny2', spec: { cpuCores: 1, cpuMhz: 500, memoryMiB: 96 } },
  { kind: 'DiskOffering', name: 'd1', spec: { sizeGiB: 1 } },
]);

export interface Fixture {
  dir: string;
  template: TinyTemplate;
}

export function newFixture(): Fixture {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-libvirt-test-')));
  return { dir, template: makeTinyTemplate(dir) };
}

export function newProvider(f: Fixture, extra: Partial<ConstructorParameters<typeof LibvirtProvider>[0]> = {}): LibvirtProvider {
  const stateDir = fs.mkdtempSync(path.join(f.dir, 'state-'));
  return new LibvirtProvider({ stateDir, catalog, shutdownTimeoutMs: 300, ...extra });
}

export function vmSpec(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { zone: 'z1', serviceOffering: 'tiny', template: 't1', networks: [{ network: 'net1' }], state: 'Running', ...extra };
}

export function action(op: ActionOp, kind: Action['kind'], name: string, owner: string | undefined, extra: Partial<Action> = {}): Action {
  return { id: `${op}:${kind}/${owner ?? ''}/${name}`, op, kind, name, ...(owner ? { owner } : {}), reason: 'test', fields: [], dependsOn: [], destructive: op === 'delete', ...extra };
}

const signal = () => new AbortController().signal;
export const run = (p: Provider, a: Action): Promise<ActionResult> => p.apply(a, signal());
export const observe = (p: Provider, kinds?: Action['kind'][]) => p.observe(kinds ? { kinds } : {}, signal());

/** Host h1 on the daemon, pool ps1 in the fixture's folder, template t1, network acme/net1. */
export async function seed(p: Provider, d: PrivateLibvirtd, f: Fixture): Promise<void> {
  const poolDir = fs.mkdtempSync(path.join(f.dir, 'ps1-'));
  await run(p, action('create', 'Host', 'h1', undefined, { spec: { cluster: 'c1', url: d.uri } }));
  await run(p, action('create', 'PrimaryStorage', 'ps1', undefined, { spec: { scope: 'Cluster', cluster: 'c1', url: `dir://${poolDir}` } }));
  await run(p, action('create', 'Template', 't1', undefined, { spec: { url: f.template.url, checksum: f.template.checksum, format: 'QCOW2', hypervisor: 'KVM' } }));
  await run(p, action('create', 'Network', 'net1', ACME, { spec: { zone: 'z1', type: 'Isolated', cidr: '10.0.0.0/24', gateway: '10.0.0.1' } }));
}

/** A test file's private libvirtd and fixture folder, filled in by beforeAll. */
export interface LibvirtSuite {
  daemon: PrivateLibvirtd;
  fixture: Fixture;
}

/**
 * Starts a private libvirtd and a fixture folder for the calling test file (beforeAll) and stops
 * and removes them afterwards (afterAll), also when a test failed.
 */
export function useLibvirtSuite(): LibvirtSuite {
  const suite = {} as LibvirtSuite;
  beforeAll(async () => {
    suite.daemon = await startPrivateLibvirtd();
    suite.fixture = newFixture();
  }, 600_000);
  afterAll(async () => {
    await suite.daemon?.stop();
    if (suite.fixture) fs.rmSync(suite.fixture.dir, { recursive: true, force: true });
  }, 120_000);
  return suite;
}
