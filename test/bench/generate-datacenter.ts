/**
 * A deterministic generator of a CloudStack-size data center, written as cairn desired state
 * (YAML documents in the layout of /work/shared/examples/datacenter) and committed to git.
 *
 * Same parameters => same bytes, same tree and, with the fixed author and dates used here, the
 * same commit id. Nothing is random: every "mix" (offering, state, disk size) is a hash of indices.
 *
 * Layout:
 *   catalog/offerings.yaml, catalog/templates.yaml, catalog/domains.yaml
 *   infrastructure/<zone>/zone.yaml           Zone + SecondaryStorage
 *   infrastructure/<zone>/<pod>.yaml          Pod + its Clusters, Hosts and PrimaryStorage
 *   tenants/<account>/account.yaml            Account
 *   tenants/<account>/networks.yaml           Networks
 *   tenants/<account>/vms.yaml                VirtualMachines
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';

export interface DatacenterParams {
  zones: number;
  podsPerZone: number;
  clustersPerPod: number;
  hostsPerCluster: number;
  accounts: number;
  networksPerAccount: number;
  vmsPerNetwork: number;
}

/** The full size: 25,000 hosts (2 × 10 × 25 × 50) and 250,000 VMs (1,000 × 5 × 50). */
export const FULL_SIZE: Readonly<DatacenterParams> = Object.freeze({
  zones: 2,
  podsPerZone: 10,
  clustersPerPod: 25,
  hostsPerCluster: 50,
  accounts: 1000,
  networksPerAccount: 5,
  vmsPerNetwork: 50,
});

/** `scale` multiplies the number of accounts and of clusters per pod (at least one of each). */
export function scaleParams(base: DatacenterParams, scale: number): DatacenterParams {
  if (!(scale > 0)) throw new RangeError(`scale must be > 0, got ${scale}`);
  return {
    ...base,
    accounts: Math.max(1, Math.round(base.accounts * scale)),
    clustersPerPod: Math.max(1, Math.round(base.clustersPerPod * scale)),
  };
}

export type GitImpl = 'cli' | 'isomorphic';

export interface GeneratedFile {
  /** Path relative to the repository root, forward slashes. */
  path: string;
  content: string;
  documents: number;
}

export interface DatacenterCounts {
  byKind: Record<string, number>;
  documents: number;
  files: number;
}

export interface GenerateResult extends DatacenterCounts {
  dir: string;
  bytes: number;
  commit: string;
  git: GitImpl;
  ms: number;
}

// ---- shape constants -------------------------------------------------------------------------

const API = 'apiVersion: cairn.dev/v1';
const TIERS = ['web', 'app', 'db', 'cache', 'batch'] as const;
const DOMAIN_COUNT = 10;
/** Lowest host octet of explicit VM addresses; .1 is the gateway. */
const FIRST_VM_OCTET = 10;
const MAX_VMS_PER_NETWORK = 254 - FIRST_VM_OCTET + 1;
const VLAN_FIRST = 100;
const VLAN_LAST = 3999;

interface Offering { name: string; cpuCores: number; cpuMhz: number; memoryMiB: number; ssd: boolean }
const OFFERINGS: readonly Offering[] = [
  { name: 'small', cpuCores: 1, cpuMhz: 1000, memoryMiB: 1024, ssd: false },
  { name: 'medium', cpuCores: 2, cpuMhz: 2000, memoryMiB: 4096, ssd: false },
  { name: 'large', cpuCores: 4, cpuMhz: 2000, memoryMiB: 8192, ssd: false },
  { name: 'large-ssd', cpuCores: 4, cpuMhz: 2000, memoryMiB: 8192, ssd: true },
];
const MAX_VM_CORES = 4;
const MAX_VM_MEMORY_MIB = 8192;
const ROOT_DISKS = [10, 20, 40, 80] as const;
const MAX_ROOT_DISK_GIB = 80;

// ---- names and addresses ---------------------------------------------------------------------

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function width(count: number, min: number): number {
  return Math.max(min, String(count).length);
}

export function zoneName(z: number): string {
  return `zone${z + 1}`;
}

export function accountName(p: DatacenterParams, a: number): string {
  return `acct-${pad(a + 1, width(p.accounts, 4))}`;
}

export function networkName(n: number): string {
  return `${TIERS[n % TIERS.length]}-net-${n + 1}`;
}

export function vmName(p: DatacenterParams, n: number, v: number): string {
  return `${TIERS[n % TIERS.length]}-${n + 1}-${pad(v + 1, width(p.vmsPerNetwork, 2))}`;
}

/** Bits taken from the /8 to tell zones apart: zone z's guestCidr is 10.(z << (8 - bits)).0.0/(8 + bits). */
function zoneBits(zones: number): number {
  return zones <= 1 ? 0 : Math.ceil(Math.log2(zones));
}

export function zoneGuestCidr(p: DatacenterParams, z: number): string {
  const bits = zoneBits(p.zones);
  return `10.${z << (8 - bits)}.0.0/${8 + bits}`;
}

/** Networks are dealt round-robin over zones, so every account has VMs in every zone it can. */
export function networkZone(p: DatacenterParams, a: number, n: number): number {
  return (a * p.networksPerAccount + n) % p.zones;
}

/** The /24 of network n of account a: its index within its zone picks the second and third octets. */
export function networkPrefix(p: DatacenterParams, a: number, n: number): string {
  const g = a * p.networksPerAccount + n;
  const z = g % p.zones;
  const j = Math.floor(g / p.zones);
  const bits = zoneBits(p.zones);
  const second = (z << (8 - bits)) + (j >> 8);
  return `10.${second}.${j & 255}`;
}

/** Deterministic "random" in [0, 1) from a few indices (murmur3 finaliser over a mix). */
function mix(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = Math.imul(h ^ x, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 0) / 0x1_0000_0000;
}

function pickOffering(r: number): Offering {
  // 50% small, 30% medium, 15% large, 5% large-ssd.
  if (r < 0.5) return OFFERINGS[0]!;
  if (r < 0.8) return OFFERINGS[1]!;
  if (r < 0.95) return OFFERINGS[2]!;
  return OFFERINGS[3]!;
}

// ---- validation of the parameters ------------------------------------------------------------

export function checkParams(p: DatacenterParams): void {
  for (const [k, v] of Object.entries(p)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be a positive integer, got ${v}`);
  }
  if (p.zones > 128) throw new RangeError(`at most 128 zones (one /15 of 10.0.0.0/8 each), got ${p.zones}`);
  if (p.vmsPerNetwork > MAX_VMS_PER_NETWORK) {
    throw new RangeError(`at most ${MAX_VMS_PER_NETWORK} VMs per /24 network, got ${p.vmsPerNetwork}`);
  }
  const perZone = Math.ceil((p.accounts * p.networksPerAccount) / p.zones);
  const cap = 1 << (16 - zoneBits(p.zones));
  if (perZone > cap) throw new RangeError(`${perZone} networks per zone do not fit in the zone's guestCidr (${cap} /24s)`);
  if (perZone > VLAN_LAST - VLAN_FIRST + 1) {
    throw new RangeError(`${perZone} networks per zone exceed the VLAN range ${VLAN_FIRST}-${VLAN_LAST}`);
  }
  if (p.zones * p.podsPerZone > 16 * 256) throw new RangeError('too many pods for 172.16.0.0/12');
  if (p.zones > 255) throw new RangeError('too many zones for the public ranges');
}

export function expectedCounts(p: DatacenterParams): DatacenterCounts {
  const pods = p.zones * p.podsPerZone;
  const clusters = pods * p.clustersPerPod;
  const networks = p.accounts * p.networksPerAccount;
  const byKind: Record<string, number> = {
    Zone: p.zones,
    SecondaryStorage: p.zones,
    Pod: pods,
    Cluster: clusters,
    PrimaryStorage: clusters,
    Host: clusters * p.hostsPerCluster,
    ServiceOffering: OFFERINGS.length,
    DiskOffering: 2,
    Template: 1,
    Domain: 1 + Math.min(DOMAIN_COUNT, p.accounts),
    Account: p.accounts,
    Network: networks,
    VirtualMachine: networks * p.vmsPerNetwork,
  };
  const documents = Object.values(byKind).reduce((s, n) => s + n, 0);
  const files = 3 + p.zones + pods + 3 * p.accounts;
  return { byKind, documents, files };
}

// ---- rendering -------------------------------------------------------------------------------

function renderCatalog(p: DatacenterParams): GeneratedFile[] {
  const zones = Array.from({ length: p.zones }, (_, z) => zoneName(z));
  const offerings: string[] = [];
  for (const o of OFFERINGS) {
    const tags = o.ssd ? ', hostTags: [ssd], storageTags: [ssd], ha: true' : '';
    offerings.push(
      `${API}\nkind: ServiceOffering\nmetadata:\n  name: ${o.name}\n` +
        `spec: { cpuCores: ${o.cpuCores}, cpuMhz: ${o.cpuMhz}, memoryMiB: ${o.memoryMiB}${tags} }\n`,
    );
  }
  offerings.push(`${API}\nkind: DiskOffering\nmetadata:\n  name: data-50\nspec: { sizeGiB: 50 }\n`);
  offerings.push(`${API}\nkind: DiskOffering\nmetadata:\n  name: data-500\nspec: { sizeGiB: 500 }\n`);

  const template =
    `${API}\nkind: Template\nmetadata:\n  name: debian-12\nspec:\n` +
    `  url: sim://templates/debian-12.qcow2\n` +
    `  checksum: sha256:7d1a54127b222502f5b79b5fb0803061152a44f92b37e23c6527baf665d4da9a\n` +
    `  format: QCOW2\n  osType: Debian GNU/Linux 12 (64-bit)\n  hypervisor: Simulator\n  sizeGiB: 2\n` +
    `  zones: [${zones.join(', ')}]\n`;

  const domains = [`${API}\nkind: Domain\nmetadata:\n  name: customers\nspec: { parent: ROOT }\n`];
  for (let d = 0; d < Math.min(DOMAIN_COUNT, p.accounts); d++) {
    domains.push(`${API}\nkind: Domain\nmetadata:\n  name: region-${pad(d + 1, 2)}\nspec: { parent: customers }\n`);
  }
  return [
    { path: 'catalog/domains.yaml', content: `# Tenant domains under ROOT.\n${domains.join('---\n')}`, documents: domains.length },
    { path: 'catalog/offerings.yaml', content: `# Compute and disk offerings.\n${offerings.join('---\n')}`, documents: offerings.length },
    { path: 'catalog/templates.yaml', content: `# One template registered in every zone.\n${template}`, documents: 1 },
  ];
}

function renderZone(p: DatacenterParams, z: number): GeneratedFile {
  const zone = zoneName(z);
  const pub = `192.168.${z + 1}`;
  const docs = [
    `${API}\nkind: Zone\nmetadata:\n  name: ${zone}\nspec:\n` +
      `  networkType: Advanced\n  securityGroups: false\n  dns: [8.8.8.8, 8.8.4.4]\n  internalDns: [10.147.28.6]\n` +
      `  guestCidr: ${zoneGuestCidr(p, z)}\n` +
      `  physicalNetworks:\n    - name: pnet0\n      isolation: VLAN\n      vlanRange: ${VLAN_FIRST}-${VLAN_LAST}\n` +
      `      trafficTypes: [Guest, Management, Public]\n` +
      `  publicIpRanges:\n    - { startIp: ${pub}.2, endIp: ${pub}.250, netmask: 255.255.255.0, gateway: ${pub}.1, vlan: 50 }\n`,
    `${API}\nkind: SecondaryStorage\nmetadata:\n  name: ${zone}-ss\nspec:\n  zone: ${zone}\n  url: sim://${zone}-ss\n`,
  ];
  return {
    path: `infrastructure/${zone}/zone.yaml`,
    content: `# Advanced zone ${zone} and its secondary storage.\n${docs.join('---\n')}`,
    documents: docs.length,
  };
}

function renderPod(p: DatacenterParams, z: number, pd: number): GeneratedFile {
  const zone = zoneName(z);
  const pod = `${zone}-pod${pad(pd + 1, width(p.podsPerZone, 2))}`;
  const g = z * p.podsPerZone + pd;
  const mgmt = `172.${16 + (g >> 8)}.${g & 255}`;
  const parts: string[] = [
    `# Pod ${pod}: ${p.clustersPerPod} clusters of ${p.hostsPerCluster} simulated hosts, one primary storage each.\n`,
    `${API}\nkind: Pod\nmetadata:\n  name: ${pod}\nspec:\n  zone: ${zone}\n  gateway: ${mgmt}.1\n` +
      `  netmask: 255.255.255.0\n  startIp: ${mgmt}.2\n  endIp: ${mgmt}.250\n`,
  ];
  let documents = 1;
  const cw = width(p.clustersPerPod, 2);
  const hw = width(p.hostsPerCluster, 2);
  for (let c = 0; c < p.clustersPerPod; c++) {
    const cluster = `${pod}-c${pad(c + 1, cw)}`;
    // Every other cluster is an SSD cluster: its hosts and storage carry the `ssd` tag large-ssd asks for.
    const ssd = c % 2 === 0;
    const overcommit = c % 5 === 1 ? '\n  overcommit: { cpu: 2.0, memory: 1.0 }' : '';
    parts.push(`---\n${API}\nkind: Cluster\nmetadata:\n  name: ${cluster}\nspec:\n  pod: ${pod}\n  hypervisor: Simulator${overcommit}\n`);
    documents++;
    const cores = ssd ? 64 : 48;
    const mhz = ssd ? 2600 : 2400;
    const mem = ssd ? 524288 : 393216;
    for (let h = 0; h < p.hostsPerCluster; h++) {
      const host = `${cluster}-h${pad(h + 1, hw)}`;
      // As in the example: the first host of a cluster written out in block style with its state,
      // the rest one flow mapping each.
      if (h === 0) {
        const tags = ssd ? '\n  tags: [ssd]' : '';
        parts.push(
          `---\n${API}\nkind: Host\nmetadata:\n  name: ${host}\nspec:\n  cluster: ${cluster}\n  url: sim://${cluster}/${host}\n` +
            `  cpuCores: ${cores}\n  cpuMhz: ${mhz}\n  memoryMiB: ${mem}${tags}\n  state: Enabled\n`,
        );
      } else {
        const tags = ssd ? ', tags: [ssd]' : '';
        parts.push(
          `---\n${API}\nkind: Host\nmetadata:\n  name: ${host}\n` +
            `spec: { cluster: ${cluster}, url: sim://${cluster}/${host}, cpuCores: ${cores}, cpuMhz: ${mhz}, memoryMiB: ${mem}${tags} }\n`,
        );
      }
      documents++;
    }
    const psTags = ssd ? '\n  tags: [ssd]' : '';
    parts.push(
      `---\n${API}\nkind: PrimaryStorage\nmetadata:\n  name: ${cluster}-ps\nspec:\n  scope: Cluster\n  cluster: ${cluster}\n` +
        `  url: sim://${cluster}-ps\n  capacityGiB: 65536${psTags}\n`,
    );
    documents++;
  }
  return { path: `infrastructure/${zone}/${pod}.yaml`, content: parts.join(''), documents };
}

function renderTenant(p: DatacenterParams, a: number): GeneratedFile[] {
  const account = accountName(p, a);
  const vmsPerAccount = p.networksPerAccount * p.vmsPerNetwork;
  const domain = `region-${pad((a % DOMAIN_COUNT) + 1, 2)}`;
  // Limits with room to spare (twice the worst case), so that a change never trips a quota.
  const limits =
    `{ vms: ${vmsPerAccount * 2}, cpuCores: ${vmsPerAccount * MAX_VM_CORES * 2}, ` +
    `memoryMiB: ${vmsPerAccount * MAX_VM_MEMORY_MIB * 2}, primaryStorageGiB: ${vmsPerAccount * MAX_ROOT_DISK_GIB * 2}, ` +
    `publicIps: 10, networks: ${p.networksPerAccount * 2} }`;
  const accountDoc =
    `# Tenant ${account}.\n${API}\nkind: Account\nmetadata:\n  name: ${account}\nspec:\n  domain: ${domain}\n` +
    `  type: User\n  limits: ${limits}\n`;

  const nets: string[] = [];
  const vms: string[] = [];
  for (let n = 0; n < p.networksPerAccount; n++) {
    const net = networkName(n);
    const zone = zoneName(networkZone(p, a, n));
    const prefix = networkPrefix(p, a, n);
    nets.push(
      `${API}\nkind: Network\nmetadata:\n  name: ${net}\n  account: ${account}\n  labels: { tier: ${TIERS[n % TIERS.length]} }\n` +
        `spec:\n  zone: ${zone}\n  type: Isolated\n  cidr: ${prefix}.0/24\n  gateway: ${prefix}.1\n  vlan: auto\n`,
    );
    for (let v = 0; v < p.vmsPerNetwork; v++) {
      const r = mix(a, n, v);
      const offering = pickOffering(mix(a, n, v, 1));
      // Labels on most VMs, not all: batch and cache fleets are often left unlabelled.
      const labels = r < 0.6 ? `  labels: { tier: ${TIERS[n % TIERS.length]}${r < 0.12 ? ', env: staging' : ''} }\n` : '';
      const state = mix(a, n, v, 2) < 0.85 ? 'Running' : 'Stopped';
      const rd = mix(a, n, v, 3);
      const rootDisk = rd < 0.7 ? '' : `\n  rootDiskGiB: ${ROOT_DISKS[Math.floor(((rd - 0.7) / 0.3) * ROOT_DISKS.length)]}`;
      // One VM in ten leaves its address to cairn's allocator.
      const nic = v % 10 === 7 ? `{ network: ${net} }` : `{ network: ${net}, ip: ${prefix}.${FIRST_VM_OCTET + v} }`;
      vms.push(
        `${API}\nkind: VirtualMachine\nmetadata:\n  name: ${vmName(p, n, v)}\n  account: ${account}\n` +
          `${labels}spec:\n  zone: ${zone}\n` +
          `  serviceOffering: ${offering.name}\n  template: debian-12\n  networks: [ ${nic} ]${rootDisk}\n  state: ${state}\n`,
      );
    }
  }
  return [
    { path: `tenants/${account}/account.yaml`, content: accountDoc, documents: 1 },
    {
      path: `tenants/${account}/networks.yaml`,
      content: `# Isolated guest networks of ${account}, one /24 each.\n${nets.join('---\n')}`,
      documents: nets.length,
    },
    {
      path: `tenants/${account}/vms.yaml`,
      content: `# Virtual machines of ${account}.\n${vms.join('---\n')}`,
      documents: vms.length,
    },
  ];
}

/** Every file of the data center, in a fixed order. Lazy: a full-size data center is ~69 MB of text. */
export function* renderDatacenter(p: DatacenterParams): Generator<GeneratedFile> {
  checkParams(p);
  yield* renderCatalog(p);
  for (let z = 0; z < p.zones; z++) {
    yield renderZone(p, z);
    for (let pd = 0; pd < p.podsPerZone; pd++) yield renderPod(p, z, pd);
  }
  for (let a = 0; a < p.accounts; a++) yield* renderTenant(p, a);
}

/** The file the one-file-change benchmark edits: the vms.yaml of the account in the middle. */
export function changeTargetPath(p: DatacenterParams): string {
  return `tenants/${accountName(p, Math.floor(p.accounts / 2))}/vms.yaml`;
}

/** Flip the power state of the first VM of a vms.yaml (Running <-> Stopped): a one-line edit. */
export function flipFirstVmState(content: string): string {
  const m = /^ {2}state: (Running|Stopped)$/m.exec(content);
  if (!m) throw new Error('no VM state line to flip');
  const next = m[1] === 'Running' ? 'Stopped' : 'Running';
  return content.slice(0, m.index) + `  state: ${next}` + content.slice(m.index + m[0].length);
}

/** The original content of one generated file, without writing anything. */
export function renderFile(p: DatacenterParams, relPath: string): string {
  for (const f of renderDatacenter(p)) if (f.path === relPath) return f.content;
  throw new Error(`not a generated file: ${relPath}`);
}

// ---- git -------------------------------------------------------------------------------------

const AUTHOR = { name: 'cairn bench', email: 'bench@cairn.invalid' };
/** Fixed so that the same data center is the same commit. */
const EPOCH = 1704067200; // 2024-01-01T00:00:00Z

function cliGitAvailable(): boolean {
  const r = spawnSync('git', ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

/** `CAIRN_BENCH_GIT=cli|isomorphic` forces one; otherwise the git CLI when it is on PATH. */
export function chooseGit(prefer?: GitImpl): GitImpl {
  const forced = prefer ?? (process.env.CAIRN_BENCH_GIT as GitImpl | undefined);
  if (forced === 'isomorphic') return 'isomorphic';
  if (forced === 'cli') {
    if (!cliGitAvailable()) throw new Error('git CLI requested but not on PATH');
    return 'cli';
  }
  if (forced !== undefined && forced !== '') throw new Error(`unknown git implementation: ${String(forced)}`);
  return cliGitAvailable() ? 'cli' : 'isomorphic';
}

function runGit(dir: string, args: string[], timestamp: number): string {
  const date = `${timestamp} +0000`;
  const r = spawnSync(
    'git',
    ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args],
    {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: AUTHOR.name,
        GIT_AUTHOR_EMAIL: AUTHOR.email,
        GIT_COMMITTER_NAME: AUTHOR.name,
        GIT_COMMITTER_EMAIL: AUTHOR.email,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_CONFIG_NOSYSTEM: '1',
      },
    },
  );
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}

/** Initialise `dir` as a repository on branch main and commit every listed file in one commit. */
async function initAndCommit(dir: string, files: string[], message: string, impl: GitImpl): Promise<string> {
  if (impl === 'cli') {
    runGit(dir, ['init', '-q', '-b', 'main'], EPOCH);
    runGit(dir, ['add', '-A'], EPOCH);
    runGit(dir, ['commit', '-q', '-m', message], EPOCH);
    return runGit(dir, ['rev-parse', 'HEAD'], EPOCH);
  }
  await git.init({ fs, dir, defaultBranch: 'main' });
  const cache = {};
  // Batches keep isomorphic-git's per-call work bounded; it writes the index once per call.
  for (let i = 0; i < files.length; i += 500) {
    await git.add({ fs, dir, filepath: files.slice(i, i + 500), cache });
  }
  return git.commit({
    fs,
    dir,
    message,
    cache,
    author: { ...AUTHOR, timestamp: EPOCH, timezoneOffset: 0 },
    committer: { ...AUTHOR, timestamp: EPOCH, timezoneOffset: 0 },
  });
}

/** Commit one changed file on top of HEAD; returns the new commit id. */
export async function commitFile(dir: string, relPath: string, message: string, impl: GitImpl): Promise<string> {
  const ts = Math.floor(Date.now() / 1000);
  if (impl === 'cli') {
    runGit(dir, ['add', '--', relPath], ts);
    runGit(dir, ['commit', '-q', '-m', message], ts);
    return runGit(dir, ['rev-parse', 'HEAD'], ts);
  }
  await git.add({ fs, dir, filepath: relPath });
  return git.commit({
    fs,
    dir,
    message,
    author: { ...AUTHOR, timestamp: ts, timezoneOffset: 0 },
    committer: { ...AUTHOR, timestamp: ts, timezoneOffset: 0 },
  });
}

/** Put branch main back on `commit`, with `relPath` restored to `content` (the only file ever edited). */
export async function resetTo(dir: string, commit: string, relPath: string, content: string, impl: GitImpl): Promise<void> {
  if (impl === 'cli') {
    runGit(dir, ['reset', '-q', '--hard', commit], EPOCH);
    return;
  }
  fs.writeFileSync(path.join(dir, relPath), content);
  await git.writeRef({ fs, dir, ref: 'refs/heads/main', value: commit, force: true });
  await git.resetIndex({ fs, dir, filepath: relPath });
}

export async function headCommit(dir: string, impl: GitImpl): Promise<string> {
  if (impl === 'cli') return runGit(dir, ['rev-parse', 'HEAD'], EPOCH);
  return git.resolveRef({ fs, dir, ref: 'HEAD' });
}

// ---- writing ---------------------------------------------------------------------------------

export interface GenerateOptions {
  git?: GitImpl;
  message?: string;
  /** Progress lines; defaults to stderr. */
  log?: (line: string) => void;
}

/**
 * Write the data center into `dir` (which must not exist or be empty) and make it a git
 * repository with exactly one commit.
 */
export async function generateDatacenter(dir: string, p: DatacenterParams, opts: GenerateOptions = {}): Promise<GenerateResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const t0 = performance.now();
  checkParams(p);
  fs.mkdirSync(dir, { recursive: true });
  if (fs.readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
  const impl = chooseGit(opts.git);
  log(`generate: writing into ${dir} (git: ${impl === 'cli' ? 'git CLI' : 'isomorphic-git'})`);

  const byKind = expectedCounts(p).byKind;
  const madeDirs = new Set<string>();
  const files: string[] = [];
  let documents = 0;
  let bytes = 0;
  for (const f of renderDatacenter(p)) {
    const abs = path.join(dir, f.path);
    const parent = path.dirname(abs);
    if (!madeDirs.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      madeDirs.add(parent);
    }
    const buf = Buffer.from(f.content, 'utf8');
    fs.writeFileSync(abs, buf);
    files.push(f.path);
    documents += f.documents;
    bytes += buf.length;
  }
  const tWritten = performance.now();
  log(`generate: ${files.length} files, ${documents} documents, ${(bytes / 1048576).toFixed(1)} MiB in ${Math.round(tWritten - t0)} ms`);

  const commit = await initAndCommit(dir, files, opts.message ?? 'Generated data center', impl);
  const ms = performance.now() - t0;
  log(`generate: committed ${commit.slice(0, 12)} with ${impl === 'cli' ? 'git CLI' : 'isomorphic-git'} in ${Math.round(ms - (tWritten - t0))} ms`);
  return { dir, byKind, documents, files: files.length, bytes, commit, git: impl, ms };
}
