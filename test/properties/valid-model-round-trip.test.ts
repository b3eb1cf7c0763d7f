import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { Document, parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../desired-state/load.js';
import { schemaRegistry } from '../../desired-state/validate/schema-registry.js';

/*
 * Any valid data center, written as YAML in any style and spread over files in any order, loads back
 * valid and equal to what was written: the same resources (kind, tenant, name) with the same
 * metadata and spec.
 *
 * The generator builds a small but complete data center: zones with a guest CIDR and a VLAN range,
 * a pod each, Simulator clusters, hosts with room for every offering, offerings, templates, domains,
 * accounts with generous limits, networks with distinct /24s per account (some with an explicit
 * VLAN), VMs with distinct addresses inside their networks or none, volumes. Names include strings
 * that a YAML reader could take for numbers, booleans or nulls, and free text (display names,
 * labels, annotations) any Unicode.
 */

type Doc = { apiVersion: 'cairn.dev/v1'; kind: string; metadata: Record<string, unknown>; spec: Record<string, unknown> };

/** Valid names (`^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$`) that look like other things to YAML. */
const TRICKY_NAMES = [
  'true', 'True', 'FALSE', 'null', 'Null', 'yes', 'no', 'on', 'off', 'y', 'n', '1', '012', '1.5', '1e3', '1E-3', '0x1F', '0o17',
  '1_000', '12-30', '2001-12-14', 'NaN', 'nan', 'inf', 'Infinity', '0', '00', '1.0', '9007199254740993', '1e400', '0.1',
];
/**
 * js-yaml reads `0b101` as the number 5 where YAML 1.2 reads a string, and the `yaml` package writes
 * it plain: a resource named so fails to load. Excluded here, pinned by the KNOWN BUG test below.
 */
const JS_YAML_READS_AS_NUMBER = /^0b[01_]+$/;

const name = fc
  .oneof(
    { weight: 5, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,14}[A-Za-z0-9])?$/) },
    { weight: 1, arbitrary: fc.constantFrom(...TRICKY_NAMES) },
  )
  .filter((n) => !JS_YAML_READS_AS_NUMBER.test(n));

/** `n` distinct names. */
const names = (min: number, max: number) => fc.uniqueArray(name, { minLength: min, maxLength: max });

/** Any text, including control characters, line breaks, BOMs and astral characters. */
const text = (maxLength: number) => fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength }), fc.string({ minLength: 1, maxLength }), fc.constantFrom('yes', 'null', '~', '- x', 'a: b', '#x', '"q"', "'", '*a', '&a', '\t', ' lead', 'trail ', 'multi\nline\n'));
const labelKey = fc.oneof(fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,10}[A-Za-z0-9])?$/), fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,8}[a-z0-9])?\/[a-z]{1,8}$/));
const labels = fc.dictionary(labelKey, text(63), { maxKeys: 3 });
const annotations = fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), text(100), { maxKeys: 2 });

/** Optional fields: `undefined` means "leave the key out". */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** Drops `undefined` keys, as YAML would never see them. */
const clean = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const doc = (kind: string, metadata: Record<string, unknown>, spec: Record<string, unknown>): Doc => ({ apiVersion: 'cairn.dev/v1', kind, metadata: clean(metadata), spec: clean(spec) });

const globalMeta = fc.record({ labels: maybe(labels), annotations: maybe(annotations) });

interface Sizes { zones: number; clustersPerZone: number[]; hostsPerCluster: number; offerings: number; diskOfferings: number; templates: number; domains: number; accounts: number }

const sizes: fc.Arbitrary<Sizes> = fc.record({
  zones: fc.integer({ min: 1, max: 2 }),
  clustersPerZone: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 2, maxLength: 2 }),
  hostsPerCluster: fc.integer({ min: 1, max: 2 }),
  offerings: fc.integer({ min: 1, max: 3 }),
  diskOfferings: fc.integer({ min: 0, max: 2 }),
  templates: fc.integer({ min: 1, max: 2 }),
  domains: fc.integer({ min: 0, max: 2 }),
  accounts: fc.integer({ min: 1, max: 3 }),
});

/** Everything global: infrastructure, catalog, domains and accounts. */
const globals = (s: Sizes) => {
  const clusters = s.clustersPerZone.slice(0, s.zones).reduce((a, b) => a + b, 0);
  return fc.record({
    zoneNames: names(s.zones, s.zones),
    podNames: names(s.zones, s.zones),
    clusterNames: names(clusters, clusters),
    hostNames: names(clusters * s.hostsPerCluster, clusters * s.hostsPerCluster),
    offeringNames: names(s.offerings, s.offerings),
    diskOfferingNames: names(s.diskOfferings, s.diskOfferings),
    templateNames: names(s.templates, s.templates),
    domainNames: names(s.domains, s.domains).filter((ns) => !ns.includes('ROOT')),
    accountNames: names(s.accounts, s.accounts),
    zoneOpts: fc.array(fc.record({ meta: globalMeta, dns: maybe(fc.constant(['10.147.28.6'])), securityGroups: maybe(fc.boolean()), isolation: maybe(fc.constantFrom('VLAN', 'VXLAN')) }), { minLength: s.zones, maxLength: s.zones }),
    overcommit: fc.array(maybe(fc.record({ cpu: maybe(fc.double({ min: 1, max: 4, noNaN: true })), memory: maybe(fc.constantFrom(1, 1.5, 2)) })), { minLength: clusters, maxLength: clusters }),
    hostOpts: fc.array(fc.record({ meta: globalMeta, tags: maybe(fc.uniqueArray(fc.constantFrom('ssd', 'gpu', 'fast'), { minLength: 1, maxLength: 2 })), state: maybe(fc.constantFrom('Enabled', 'Disabled', 'Maintenance')) }), { minLength: clusters * s.hostsPerCluster, maxLength: clusters * s.hostsPerCluster }),
    offerings: fc.array(fc.record({ meta: globalMeta, cpuCores: fc.integer({ min: 1, max: 8 }), cpuMhz: fc.integer({ min: 500, max: 2400 }), memoryMiB: fc.integer({ min: 256, max: 16384 }), ha: maybe(fc.boolean()) }), { minLength: s.offerings, maxLength: s.offerings }),
    diskOfferings: fc.array(fc.record({ meta: globalMeta, sizeGiB: fc.integer({ min: 1, max: 500 }) }), { minLength: s.diskOfferings, maxLength: s.diskOfferings }),
    templates: fc.array(fc.record({ meta: globalMeta, sizeGiB: maybe(fc.integer({ min: 1, max: 20 })), osType: maybe(text(40)), allZones: fc.boolean(), checksum: maybe(fc.stringMatching(/^sha256:[0-9a-f]{64}$/)) }), { minLength: s.templates, maxLength: s.templates }),
    domainParents: fc.array(fc.nat(), { minLength: s.domains, maxLength: s.domains }),
    accounts: fc.array(fc.record({ meta: globalMeta, domain: fc.nat(), type: maybe(fc.constantFrom('User', 'DomainAdmin', 'Admin')), limits: maybe(fc.record({ vms: maybe(fc.constant(1000)), cpuCores: maybe(fc.constant(100_000)), memoryMiB: maybe(fc.constant(10_000_000)), primaryStorageGiB: maybe(fc.constant(1_000_000)), networks: maybe(fc.constant(100)), volumes: maybe(fc.constant(100)), publicIps: maybe(fc.constant(0)), snapshots: maybe(fc.constant(0)) })) }), { minLength: s.accounts, maxLength: s.accounts }),
  });
};

type Globals = ReturnType<typeof globals> extends fc.Arbitrary<infer G> ? G : never;

/** Per account: networks, VMs and volumes, as choices that are turned into valid documents below. */
const tenantChoices = fc.record({
  networks: fc.array(fc.record({ name, zone: fc.nat(), gateway: fc.boolean(), vlan: fc.constantFrom('omit', 'auto', 'number'), networkDomain: maybe(fc.stringMatching(/^[a-z]{1,8}(\.[a-z]{1,8})?$/)), labels: maybe(labels) }), { minLength: 1, maxLength: 3 }),
  vms: fc.array(fc.record({ name, network: fc.nat(), secondNic: fc.boolean(), ip: fc.boolean(), offering: fc.nat(), template: fc.nat(), rootDiskGiB: maybe(fc.integer({ min: 1, max: 100 })), state: maybe(fc.constantFrom('Running', 'Stopped')), displayName: maybe(text(60)), labels: maybe(labels), annotations: maybe(annotations), userData: maybe(text(200)), sharedMeta: fc.boolean() }), { maxLength: 4 }),
  volumes: fc.array(fc.record({ name, byOffering: fc.boolean(), size: fc.integer({ min: 1, max: 100 }), attach: maybe(fc.nat()), deletionPolicy: maybe(fc.constantFrom('Retain', 'Delete')), offering: fc.nat() }), { maxLength: 2 }),
});

type TenantChoices = typeof tenantChoices extends fc.Arbitrary<infer T> ? T : never;

/** Assembles a valid data center from the choices; every reference resolves and every address is distinct. */
function dataCenter(s: Sizes, g: Globals, tenants: TenantChoices[]): Doc[] {
  const docs: Doc[] = [];
  const zones = g.zoneNames;
  zones.forEach((z, i) => {
    const o = g.zoneOpts[i]!;
    docs.push(doc('Zone', { name: z, ...o.meta }, {
      networkType: 'Advanced',
      guestCidr: `10.${i}.0.0/16`,
      dns: o.dns,
      securityGroups: o.securityGroups,
      physicalNetworks: [clean({ name: 'pnet0', isolation: o.isolation, vlanRange: `${100 + i * 1000}-${999 + i * 1000}`, trafficTypes: ['Guest', 'Management', 'Public'] })],
    }));
    docs.push(doc('Pod', { name: g.podNames[i]! }, { zone: z, gateway: `172.16.${i}.1`, netmask: '255.255.255.0', startIp: `172.16.${i}.2`, endIp: `172.16.${i}.200` }));
  });
  let c = 0;
  let h = 0;
  zones.forEach((_, zi) => {
    for (let k = 0; k < s.clustersPerZone[zi]!; k++, c++) {
      docs.push(doc('Cluster', { name: g.clusterNames[c]! }, { pod: g.podNames[zi]!, hypervisor: 'Simulator', overcommit: g.overcommit[c] && clean(g.overcommit[c]!) }));
      for (let j = 0; j < s.hostsPerCluster; j++, h++) {
        const o = g.hostOpts[h]!;
        // Room for every offering: the largest asks for 8 cores x 2400 MHz and 16 GiB.
        docs.push(doc('Host', { name: g.hostNames[h]!, ...o.meta }, { cluster: g.clusterNames[c]!, url: `sim://${g.clusterNames[c]}/${g.hostNames[h]}`, cpuCores: 64, cpuMhz: 3000, memoryMiB: 262_144, tags: o.tags, state: o.state }));
      }
    }
  });
  g.offerings.forEach((o, i) => docs.push(doc('ServiceOffering', { name: g.offeringNames[i]!, ...o.meta }, { cpuCores: o.cpuCores, cpuMhz: o.cpuMhz, memoryMiB: o.memoryMiB, ha: o.ha })));
  g.diskOfferings.forEach((o, i) => docs.push(doc('DiskOffering', { name: g.diskOfferingNames[i]!, ...o.meta }, { sizeGiB: o.sizeGiB })));
  g.templates.forEach((t, i) => docs.push(doc('Template', { name: g.templateNames[i]!, ...t.meta }, {
    url: `sim://templates/${i}.qcow2`, format: 'QCOW2', hypervisor: 'Simulator', sizeGiB: t.sizeGiB, osType: t.osType, checksum: t.checksum, zones: t.allZones ? [...zones] : undefined,
  })));
  g.domainNames.forEach((d, i) => docs.push(doc('Domain', { name: d }, { parent: i === 0 || g.domainParents[i]! % 2 === 0 ? 'ROOT' : g.domainNames[g.domainParents[i]! % i] })));
  g.accounts.forEach((a, i) => {
    const domain = g.domainNames.length === 0 || a.domain % 3 === 0 ? undefined : g.domainNames[a.domain % g.domainNames.length];
    docs.push(doc('Account', { name: g.accountNames[i]!, ...a.meta }, { domain, type: a.type, limits: a.limits && clean(a.limits) }));
  });

  let subnet = 0; // a /24 per network, distinct across the data center
  const vlans = zones.map((_, i) => 100 + i * 1000); // next free VLAN per zone
  g.accountNames.forEach((account, ai) => {
    const t = tenants[ai]!;
    const nets = uniqueBy(t.networks, (n) => n.name).map((n) => {
      const zone = n.zone % zones.length;
      const third = subnet++;
      const vlan = n.vlan === 'omit' ? undefined : n.vlan === 'auto' ? 'auto' : vlans[zone]!++;
      docs.push(doc('Network', { name: n.name, account, labels: n.labels }, {
        zone: zones[zone]!, type: 'Isolated', cidr: `10.${zone}.${third}.0/24`, gateway: n.gateway ? `10.${zone}.${third}.1` : undefined, vlan, networkDomain: n.networkDomain,
      }));
      return { name: n.name, zone, prefix: `10.${zone}.${third}`, nextHost: 10 };
    });
    const vms = uniqueBy(t.vms, (v) => v.name).map((v) => {
      const net = nets[v.network % nets.length]!;
      const second = nets.find((n) => n !== net && n.zone === net.zone);
      const nic = (n: (typeof nets)[number]) => clean({ network: n.name, ip: v.ip ? `${n.prefix}.${n.nextHost++}` : undefined });
      const meta: Record<string, unknown> = { name: v.name, account, labels: v.labels, annotations: v.annotations };
      // The same object twice in a document: `yaml` writes an anchor and an alias, so the file takes the careful path.
      if (v.sharedMeta && v.labels && Object.keys(v.labels).length > 0) meta.annotations = v.labels;
      docs.push(doc('VirtualMachine', meta, {
        zone: zones[net.zone]!,
        serviceOffering: g.offeringNames[v.offering % g.offeringNames.length]!,
        template: g.templateNames[v.template % g.templateNames.length]!,
        networks: v.secondNic && second ? [nic(net), nic(second)] : [nic(net)],
        rootDiskGiB: v.rootDiskGiB, state: v.state, displayName: v.displayName, userData: v.userData,
      }));
      return { name: v.name, zone: net.zone };
    });
    for (const vol of uniqueBy(t.volumes, (x) => x.name)) {
      const attach = vol.attach === undefined || vms.length === 0 ? undefined : vms[vol.attach % vms.length]!;
      const zone = attach ? attach.zone : 0;
      const byOffering = vol.byOffering && g.diskOfferingNames.length > 0;
      docs.push(doc('Volume', { name: vol.name, account }, {
        zone: zones[zone]!,
        diskOffering: byOffering ? g.diskOfferingNames[vol.offering % g.diskOfferingNames.length] : undefined,
        sizeGiB: byOffering ? undefined : vol.size,
        attachTo: attach?.name, deletionPolicy: vol.deletionPolicy,
      }));
    }
  });
  return docs;
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(key(i)) && seen.add(key(i)));
}

const dataCenters = sizes.chain((s) =>
  globals(s).chain((g) => fc.array(tenantChoices, { minLength: g.accountNames.length, maxLength: g.accountNames.length }).map((t) => dataCenter(s, g, t))),
);

/**
 * How one document is written. (Not an empty list in block style without indentSeq: the `yaml`
 * package then writes `key:\n[]` at the key's indentation, which is invalid YAML; the generator's
 * lists are never empty.)
 */
const style = fc.record({
  collectionStyle: fc.constantFrom('any', 'block', 'flow') as fc.Arbitrary<'any' | 'block' | 'flow'>,
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE') as fc.Arbitrary<'PLAIN'>,
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE') as fc.Arbitrary<null | 'PLAIN'>,
  lineWidth: fc.constantFrom(0, 40, 80),
  indent: fc.constantFrom(2, 4),
  indentSeq: fc.boolean(),
  flowCollectionPadding: fc.boolean(),
  comment: fc.boolean(),
});

const FILE_NAMES = ['dc.yaml', 'zones/zone.yml', 'tenants/acme/all.yaml', 'a/b/c/deep.YAML'];

/** The documents in a random order over one to four files, each in its own style. */
const layout = (docs: Doc[]) =>
  fc.record({
    order: fc.shuffledSubarray(docs, { minLength: docs.length, maxLength: docs.length }),
    files: fc.array(fc.integer({ min: 0, max: FILE_NAMES.length - 1 }), { minLength: docs.length, maxLength: docs.length }),
    styles: fc.array(style, { minLength: docs.length, maxLength: docs.length }),
  });

function write(dir: string, l: { order: Doc[]; files: number[]; styles: (typeof style extends fc.Arbitrary<infer S> ? S : never)[] }): void {
  const byFile = new Map<string, string[]>();
  l.order.forEach((d, i) => {
    const { comment, ...opts } = l.styles[i]!;
    const file = FILE_NAMES[l.files[i]!]!;
    // The `yaml` package's writer has folding bugs of its own (it splits a surrogate pair across a
    // folded line, writing two U+FFFD; it adds a line to some folded block scalars): a document it
    // cannot read back as it was meant is written unfolded. The loader is tested on what was meant.
    let text = new Document(d).toString(opts);
    const onDisk = (t: string) => new TextDecoder().decode(new TextEncoder().encode(t)); // lone surrogates become U+FFFD
    if (JSON.stringify(parse(onDisk(text))) !== JSON.stringify(d)) text = new Document(d).toString({ ...opts, lineWidth: 0 });
    const list = byFile.get(file) ?? [];
    list.push(comment ? `# ${d.kind} ${String(d.metadata.name)}\n${text}` : text);
    byFile.set(file, list);
  });
  for (const [file, texts] of byFile) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), texts.join('---\n'));
  }
}

const identity = (d: { kind: string; metadata: Record<string, unknown> }) => `${d.kind}/${String(d.metadata.account ?? '')}/${String(d.metadata.name)}`;

let root: string;
let runs = 0;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-roundtrip-'));
  schemaRegistry();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function loadWritten(l: Parameters<typeof write>[1]) {
  const dir = path.join(root, String(runs++));
  fs.mkdirSync(dir);
  write(dir, l);
  try {
    return await loadDesiredState({ repo: dir, worktree: true, stateDir: false });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('a generated valid data center', () => {
  it('written as YAML in any style, order and file layout, loads back valid and equal', async () => {
    await fc.assert(
      fc.asyncProperty(dataCenters.chain((docs) => layout(docs).map((l) => ({ docs, l }))), async ({ docs, l }) => {
        const result = await loadWritten(l);
        expect(result.errors).toEqual([]);
        expect(result.valid).toBe(true);

        const loaded = result.model.resources;
        expect(loaded).toHaveLength(docs.length);
        const expected = new Map(docs.map((d) => [identity(d), d]));
        expect(expected.size).toBe(docs.length); // the generator's own promise: identities are distinct
        for (const r of loaded) {
          expect(r.tenant).toBe(r.doc.metadata.account);
          const want = expected.get(`${r.kind}/${r.tenant ?? ''}/${r.name}`);
          expect(want, `${r.kind} ${r.tenant ?? ''}/${r.name} was not generated`).toBeDefined();
          expect(r.doc).toEqual(want);
        }
        expect(new Set(loaded.map((r) => `${r.kind}/${r.tenant ?? ''}/${r.name}`))).toEqual(new Set(expected.keys()));
      }),
      { numRuns: 120 },
    );
  }, 45_000);

  it('generates data centers of every kind it promises, in valid sizes', () => {
    const kinds = new Set<string>();
    fc.assert(fc.property(dataCenters, (docs) => void docs.forEach((d) => kinds.add(d.kind))), { numRuns: 50 });
    expect([...kinds].sort()).toEqual(['Account', 'Cluster', 'DiskOffering', 'Domain', 'Host', 'Network', 'Pod', 'ServiceOffering', 'Template', 'VirtualMachine', 'Volume', 'Zone']);
  });

  // KNOWN BUG (desired-state/parse/parse-file.ts): `0b101` is a valid resource name; the `yaml`
  // package writes it plain (`name: 0b101`, a string in YAML 1.2) and js-yaml's CORE_SCHEMA, the
  // fast path, reads the number 5, so the document fails its schema ("metadata.name must be string").
  it('a resource named 0b101 loads', async () => {
    const zone = doc('Zone', { name: '0b101' }, { networkType: 'Advanced' });
    const dir = path.join(root, 'binary-name');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'zone.yaml'), new Document(zone).toString());
    const result = await loadDesiredState({ repo: dir, worktree: true, stateDir: false });
    expect(result.errors).toEqual([]);
    expect(result.model.resources[0]?.name).toBe('0b101');
  });
});
