/**
 * A small simulated data center for the simulator's tests: one zone with three guest VLANs and three
 * public addresses, two clusters (c1 overcommits CPU 2x), three hosts of known size, storage,
 * offerings, a template, an account and a /29 network (addresses .2 to .6, gateway .1).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kind } from '../../desired-state/model.js';
import type { Provider } from '../../providers/provider.js';
import { createSimulatorProvider, type SimulatorProvider, type SimulatorProviderOptions } from '../../providers/simulator/simulator-provider.js';
import type { Action, ActionOp, ActionResult } from '../../reconcilers/action.js';

export const ACME = 'account:acme';

export interface Doc {
  kind: Kind;
  name: string;
  owner?: string;
  spec: Record<string, unknown>;
}

export const infrastructure: Doc[] = [
  {
    kind: 'Zone',
    name: 'z1',
    spec: {
      networkType: 'Advanced',
      physicalNetworks: [{ name: 'pnet0', isolation: 'VLAN', vlanRange: '100-102', trafficTypes: ['Guest', 'Management', 'Public'] }],
      publicIpRanges: [{ startIp: '192.168.2.2', endIp: '192.168.2.4', netmask: '255.255.255.0', gateway: '192.168.2.1', vlan: 50 }],
    },
  },
  { kind: 'Pod', name: 'pod1', spec: { zone: 'z1', gateway: '172.16.15.1', netmask: '255.255.255.0', startIp: '172.16.15.2', endIp: '172.16.15.200' } },
  { kind: 'Cluster', name: 'c1', spec: { pod: 'pod1', hypervisor: 'Simulator', overcommit: { cpu: 2, memory: 1 } } },
  { kind: 'Cluster', name: 'c2', spec: { pod: 'pod1', hypervisor: 'Simulator' } },
  { kind: 'Host', name: 'h1', spec: { cluster: 'c1', url: 'sim://c1/h1', cpuCores: 4, cpuMhz: 2000, memoryMiB: 8192 } },
  { kind: 'Host', name: 'h2', spec: { cluster: 'c1', url: 'sim://c1/h2', cpuCores: 2, cpuMhz: 1000, memoryMiB: 2048 } },
  { kind: 'Host', name: 'h3', spec: { cluster: 'c2', url: 'sim://c2/h3', cpuCores: 4, cpuMhz: 2000, memoryMiB: 8192 } },
  { kind: 'PrimaryStorage', name: 'ps1', spec: { scope: 'Cluster', cluster: 'c1', url: 'sim://ps1', capacityGiB: 100 } },
  { kind: 'PrimaryStorage', name: 'ps2', spec: { scope: 'Cluster', cluster: 'c2', url: 'sim://ps2', capacityGiB: 100 } },
  { kind: 'SecondaryStorage', name: 'ss1', spec: { zone: 'z1', url: 'sim://ss1' } },
  { kind: 'ServiceOffering', name: 'small', spec: { cpuCores: 1, cpuMhz: 1000, memoryMiB: 1024 } },
  { kind: 'ServiceOffering', name: 'large', spec: { cpuCores: 4, cpuMhz: 2000, memoryMiB: 4096 } },
  { kind: 'DiskOffering', name: 'd10', spec: { sizeGiB: 10 } },
  { kind: 'Template', name: 't1', spec: { url: 'sim://templates/t1.qcow2', format: 'QCOW2', hypervisor: 'Simulator', sizeGiB: 2, zones: ['z1'] } },
  { kind: 'Domain', name: 'customers', spec: { parent: 'ROOT' } },
  { kind: 'Account', name: 'acme', spec: { domain: 'customers' } },
  { kind: 'Network', name: 'net1', owner: ACME, spec: { zone: 'z1', type: 'Isolated', cidr: '10.0.0.0/29', gateway: '10.0.0.1' } },
];

export function vmSpec(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { zone: 'z1', serviceOffering: 'small', template: 't1', networks: [{ network: 'net1' }], state: 'Running', ...extra };
}

export function action(op: ActionOp, d: Pick<Doc, 'kind' | 'name' | 'owner'> & { spec?: Record<string, unknown> }, extra: Partial<Action> = {}): Action {
  return {
    id: `${op}:${d.kind}/${d.owner ?? ''}/${d.name}`,
    op,
    kind: d.kind,
    name: d.name,
    ...(d.owner ? { owner: d.owner } : {}),
    reason: 'test',
    fields: [],
    dependsOn: [],
    destructive: op === 'delete',
    ...(d.spec && (op === 'create' || op === 'update') ? { spec: d.spec } : {}),
    ...extra,
  };
}

const signal = () => new AbortController().signal;

export function run(p: Provider, a: Action): Promise<ActionResult> {
  return p.apply(a, signal());
}

export function create(p: Provider, d: Doc, extra: Partial<Action> = {}): Promise<ActionResult> {
  return run(p, action('create', d, extra));
}

export async function seed(p: Provider, docs: Doc[] = infrastructure): Promise<void> {
  for (const d of docs) await create(p, d);
}

/** What observe says of one object (managed or not), by kind, name and owner. */
export async function observed(p: Provider, kind: Kind, name: string, owner?: string) {
  return (await p.observe({ kinds: [kind] }, signal())).find((o) => o.name === name && o.owner === owner);
}

const dirs: string[] = [];

export function stateDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-sim-')));
  dirs.push(dir);
  return dir;
}

export function removeStateDirs(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A simulator on a new state folder, with no latency unless asked (tests stay fast). */
export function newSimulator(options: Partial<SimulatorProviderOptions> = {}): SimulatorProvider {
  return createSimulatorProvider({ stateDir: stateDir(), latencyMs: 0, env: {}, ...options });
}
