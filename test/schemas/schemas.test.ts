import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KINDS, type Kind } from '../../desired-state/model.js';

/*
 * The schemas are JSON Schema draft 2020-12, compiled with Ajv2020 in strict mode, the same way the
 * loader compiles them: custom keywords registered, formats registered (simple regex versions here).
 */

type JsonSchema = Record<string, unknown>;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const schemasDir = path.join(repoRoot, 'schemas');
const BASE = 'https://cairn.dev/schemas/v1/';

const GLOBAL_KINDS: readonly Kind[] = [
  'Zone', 'Pod', 'Cluster', 'Host', 'PrimaryStorage', 'SecondaryStorage',
  'ServiceOffering', 'DiskOffering', 'Template', 'Domain', 'Account', 'Project',
];
const STATEFUL_KINDS: readonly Kind[] = ['Volume', 'Snapshot', 'Template', 'PrimaryStorage', 'SecondaryStorage'];

/** Every `x-cairn-ref`, as "path -> Kind" per kind ('*' is any array index). The loader resolves exactly these. */
const EXPECTED_REFS: Record<Kind, Record<string, Kind>> = {
  Zone: {},
  Pod: { 'spec.zone': 'Zone' },
  Cluster: { 'spec.pod': 'Pod' },
  Host: { 'spec.cluster': 'Cluster' },
  PrimaryStorage: { 'spec.cluster': 'Cluster', 'spec.zone': 'Zone' },
  SecondaryStorage: { 'spec.zone': 'Zone' },
  ServiceOffering: {},
  DiskOffering: {},
  Template: { 'spec.zones.*': 'Zone' },
  Domain: { 'spec.parent': 'Domain' },
  Account: { 'spec.domain': 'Domain' },
  Project: { 'spec.domain': 'Domain' },
  Network: { 'spec.zone': 'Zone', 'spec.vpc': 'Vpc', 'spec.acl': 'NetworkAcl' },
  Vpc: { 'spec.zone': 'Zone' },
  NetworkAcl: { 'spec.vpc': 'Vpc' },
  SecurityGroup: {},
  FirewallRule: { 'spec.publicIp': 'PublicIp' },
  EgressRule: { 'spec.network': 'Network' },
  PortForward: { 'spec.publicIp': 'PublicIp', 'spec.vm': 'VirtualMachine' },
  PublicIp: { 'spec.zone': 'Zone', 'spec.network': 'Network' },
  LoadBalancer: { 'spec.publicIp': 'PublicIp', 'spec.vms.*': 'VirtualMachine' },
  VirtualMachine: {
    'spec.zone': 'Zone',
    'spec.serviceOffering': 'ServiceOffering',
    'spec.template': 'Template',
    'spec.networks.*.network': 'Network',
    'spec.securityGroups.*': 'SecurityGroup',
    'spec.affinityGroups.*': 'AffinityGroup',
  },
  Volume: { 'spec.zone': 'Zone', 'spec.diskOffering': 'DiskOffering', 'spec.attachTo': 'VirtualMachine' },
  Snapshot: { 'spec.volume': 'Volume' },
  AffinityGroup: {},
};

const EXPECTED_SECRETS: Partial<Record<Kind, string[]>> = {
  VirtualMachine: ['spec.userData', 'spec.sshKey'],
};

function readSchemas(): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  for (const f of fs.readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json')).sort()) {
    out.set(f, JSON.parse(fs.readFileSync(path.join(schemasDir, f), 'utf8')) as JsonSchema);
  }
  return out;
}

const schemas = readSchemas();
const common = schemas.get('common.schema.json')!;

function makeAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  ajv.addFormat('cidr', /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/);
  ajv.addFormat('port-range', /^\d{1,5}(-\d{1,5})?$/);
  ajv.addFormat('vlan-range', /^\d{1,4}(-\d{1,4})?$/);
  ajv.addFormat('cron', /^\S+(\s+\S+){4}$/);
  ajv.addKeyword({ keyword: 'x-cairn-scope', schemaType: 'string', metaSchema: { enum: ['global', 'tenant'] } });
  ajv.addKeyword({ keyword: 'x-cairn-ref', schemaType: 'string', metaSchema: { enum: [...KINDS] } });
  ajv.addKeyword({ keyword: 'x-cairn-secret', schemaType: 'boolean', metaSchema: { const: true } });
  ajv.addKeyword({ keyword: 'x-cairn-stateful', schemaType: 'boolean', metaSchema: { const: true } });
  for (const s of schemas.values()) ajv.addSchema(s);
  return ajv;
}

const ajv = makeAjv();
const validators = new Map<string, ValidateFunction>();
for (const kind of KINDS) {
  const v = ajv.getSchema(`${BASE}${kind}.schema.json`);
  if (v) validators.set(kind, v);
}

function validate(doc: unknown): { ok: boolean; errors: string } {
  const kind = (doc as { kind?: unknown } | null)?.kind;
  const v = typeof kind === 'string' ? validators.get(kind) : undefined;
  if (!v) return { ok: false, errors: `no schema for kind ${String(kind)}` };
  const ok = v(doc) === true;
  return { ok, errors: ajv.errorsText(v.errors, { separator: '\n' }) };
}

/** Walks schema nodes (not into if/then/else/not, which only constrain), with the instance path they apply to. */
function walk(
  node: unknown,
  at: string[],
  visit: (node: JsonSchema, at: string[], where: string) => void,
  where = '',
  resolveRefs = true,
): void {
  if (typeof node !== 'object' || node === null) return;
  const n = node as JsonSchema;
  visit(n, at, where);
  if (resolveRefs && typeof n.$ref === 'string') {
    const m = /^common\.schema\.json#\/\$defs\/(.+)$/.exec(n.$ref);
    if (!m) throw new Error(`unexpected $ref ${n.$ref} at ${where}`);
    const target = (common.$defs as Record<string, unknown>)[m[1]!];
    if (!target) throw new Error(`dangling $ref ${n.$ref} at ${where}`);
    walk(target, at, visit, `${where}->${n.$ref}`, resolveRefs);
  }
  for (const [k, v] of Object.entries((n.properties as JsonSchema | undefined) ?? {})) walk(v, [...at, k], visit, `${where}/properties/${k}`, resolveRefs);
  if (typeof n.items === 'object') walk(n.items, [...at, '*'], visit, `${where}/items`, resolveRefs);
  if (typeof n.additionalProperties === 'object') walk(n.additionalProperties, [...at, '*'], visit, `${where}/additionalProperties`, resolveRefs);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    ((n[key] as unknown[] | undefined) ?? []).forEach((s, i) => walk(s, at, visit, `${where}/${key}/${i}`, resolveRefs));
  }
  for (const [k, v] of Object.entries((n.$defs as JsonSchema | undefined) ?? {})) walk(v, [], visit, `${where}/$defs/${k}`, resolveRefs);
}

describe('schema files', () => {
  it('has exactly one schema per kind, plus common', () => {
    expect([...schemas.keys()].sort()).toEqual([...KINDS.map((k) => `${k}.schema.json`), 'common.schema.json'].sort());
  });

  it('follows the envelope conventions', () => {
    expect(common.$id).toBe(`${BASE}common.schema.json`);
    expect(common.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    for (const kind of KINDS) {
      const s = schemas.get(`${kind}.schema.json`)!;
      expect(s.$id, kind).toBe(`${BASE}${kind}.schema.json`);
      expect(s.$schema, kind).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(s.type, kind).toBe('object');
      expect(s.additionalProperties, kind).toBe(false);
      expect(s.required, kind).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
      const props = s.properties as Record<string, JsonSchema>;
      expect(props.apiVersion!.$ref, kind).toBe('common.schema.json#/$defs/apiVersion');
      expect(props.kind!.const, kind).toBe(kind);
      const scope = GLOBAL_KINDS.includes(kind) ? 'global' : 'tenant';
      expect(s['x-cairn-scope'], kind).toBe(scope);
      expect(props.metadata!.$ref, kind).toBe(`common.schema.json#/$defs/${scope}Metadata`);
      const stateful = STATEFUL_KINDS.includes(kind);
      expect(s['x-cairn-stateful'] === true, kind).toBe(stateful);
      const policy = (props.spec!.properties as Record<string, JsonSchema>).deletionPolicy;
      if (stateful) {
        expect(policy?.$ref, kind).toBe('common.schema.json#/$defs/deletionPolicy');
        expect(policy?.default, kind).toBe('Retain');
      } else {
        expect(policy, kind).toBeUndefined();
      }
    }
    expect((common.$defs as Record<string, JsonSchema>).deletionPolicy).toMatchObject({ enum: ['Retain', 'Delete'], default: 'Retain' });
  });

  it('closes every object and describes every property', () => {
    const problems: string[] = [];
    for (const [file, schema] of schemas) {
      walk(schema, [], (node, _at, where) => {
        const isObject = node.type === 'object';
        if (isObject && node.additionalProperties === undefined) problems.push(`${file}${where}: no additionalProperties`);
        if (node.additionalProperties === true) problems.push(`${file}${where}: additionalProperties: true`);
        for (const [k, v] of Object.entries((node.properties as Record<string, unknown> | undefined) ?? {})) {
          if (typeof v === 'object' && v !== null && typeof (v as JsonSchema).description !== 'string') {
            problems.push(`${file}${where}/properties/${k}: no description`);
          }
        }
      }, '', false);
    }
    expect(problems).toEqual([]);
  });

  it('declares exactly the expected references and secrets', () => {
    for (const kind of KINDS) {
      const refs: Record<string, string> = {};
      const secrets: string[] = [];
      walk(schemas.get(`${kind}.schema.json`), [], (node, at) => {
        if (node['x-cairn-ref'] !== undefined) {
          expect(node.type, `${kind} ${at.join('.')}`).toBe('string');
          refs[at.join('.')] = String(node['x-cairn-ref']);
        }
        if (node['x-cairn-secret'] === true) secrets.push(at.join('.'));
      });
      expect(refs, kind).toEqual(EXPECTED_REFS[kind]);
      expect(secrets.sort(), kind).toEqual((EXPECTED_SECRETS[kind] ?? []).sort());
    }
  });

  it('compiles every schema with Ajv2020 in strict mode', () => {
    for (const kind of KINDS) expect(validators.get(kind), kind).toBeTypeOf('function');
    expect(ajv.getSchema(`${BASE}common.schema.json`)).toBeTypeOf('function');
  });
});

// ---------------------------------------------------------------------------------------------

function findExamples(): string | undefined {
  // The example shipped in the package (what `cairn init` writes): a copy of the format's reference.
  const candidates = [process.env.CAIRN_EXAMPLES_DIR, path.join(repoRoot, 'desired-state/example-datacenter')];
  return candidates.find((c): c is string => !!c && fs.existsSync(c));
}

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

describe('example data center', () => {
  const dir = findExamples();

  it('is found', () => {
    expect(dir, 'example folder (set CAIRN_EXAMPLES_DIR)').toBeDefined();
  });

  it('validates every document of every file', () => {
    if (!dir) return;
    const files = yamlFiles(dir);
    expect(files.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const file of files) {
      const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
      for (const [i, d] of docs.entries()) {
        expect(d.errors, `${file}#${i}`).toEqual([]);
        const doc = d.toJS() as { kind: string };
        const r = validate(doc);
        expect(r.ok, `${path.relative(dir, file)}#${i} (${doc.kind}):\n${r.errors}`).toBe(true);
        seen.add(doc.kind);
      }
    }
    expect(seen.size).toBeGreaterThan(10);
  });
});

// ---------------------------------------------------------------------------------------------

const env = (kind: Kind, spec: unknown, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'cairn.dev/v1',
  kind,
  metadata: { name: 'x1', ...(GLOBAL_KINDS.includes(kind) ? {} : { account: 'acme' }), ...metadata },
  spec,
});

/** Valid documents for what the example does not show, so every kind and form is exercised. */
const GOOD: [string, unknown][] = [
  ['Project with limits', env('Project', { domain: 'customers', description: 'shared', limits: { vms: 0, volumes: 3, snapshots: 10 } })],
  ['Domain under ROOT by default', env('Domain', {})],
  ['Account with defaults', env('Account', {})],
  ['zone-wide PrimaryStorage', env('PrimaryStorage', { scope: 'Zone', zone: 'zone1', url: 'nfs://nas/export', deletionPolicy: 'Delete' })],
  ['KVM Host with passwordFrom env', env('Host', { cluster: 'c1', url: 'qemu+ssh://root@10.0.0.11/system', username: 'root', passwordFrom: { env: 'H1_PASSWORD' } })],
  ['Host with passwordFrom file', env('Host', { cluster: 'c1', url: 'qemu+unix:///system?socket=/run/x', passwordFrom: { file: '/etc/cairn/h1' }, state: 'Maintenance' })],
  ['Cluster KVM', env('Cluster', { pod: 'pod1', hypervisor: 'KVM', overcommit: { cpu: 4 } })],
  ['Template in every zone', env('Template', { url: 'templates/tiny.raw', format: 'RAW', hypervisor: 'KVM', deletionPolicy: 'Delete' })],
  ['Vpc', env('Vpc', { zone: 'zone1', cidr: '10.2.0.0/16', networkDomain: 'acme.internal' })],
  ['NetworkAcl', env('NetworkAcl', {
    vpc: 'vpc1',
    rules: [
      { number: 10, action: 'Allow', trafficType: 'Ingress', protocol: 'tcp', ports: '443', cidrs: ['0.0.0.0/0'] },
      { number: 20, action: 'Deny', trafficType: 'Egress', protocol: 'all', cidrs: ['10.0.0.0/8', '192.168.0.0/16'] },
    ],
  })],
  ['VPC tier', env('Network', { zone: 'zone1', type: 'Isolated', cidr: '10.2.1.0/24', vpc: 'vpc1', acl: 'acl1', vlan: 101 })],
  ['L2 network', env('Network', { zone: 'zone1', type: 'L2', vlan: 'auto' }, { project: 'p1' })],
  ['VM with every option', env('VirtualMachine', {
    displayName: 'Web 3',
    zone: 'zone1',
    serviceOffering: 'small',
    template: 'debian-12',
    rootDiskGiB: 20,
    networks: [{ network: 'web-net', ip: '10.1.1.30' }, { network: 'l2' }],
    securityGroups: ['web-sg'],
    affinityGroups: ['web-spread'],
    userData: '#cloud-config\npackages: [nginx]\n',
    sshKey: 'ssh-ed25519 AAAAC3Nza... ops@acme',
    state: 'Stopped',
  }, { labels: { tier: 'web', 'cairn.dev/drift': 'report' }, annotations: { note: 'anything goes here: 1 2 3' } })],
  ['Volume by size', env('Volume', { zone: 'zone1', sizeGiB: 100 })],
  ['one-off Snapshot', env('Snapshot', { volume: 'v1', deletionPolicy: 'Delete' })],
  ['FirewallRule for icmp without ports', env('FirewallRule', { publicIp: 'ip1', protocol: 'icmp', cidrs: ['0.0.0.0/0'] })],
  ['PublicIp with a fixed address', env('PublicIp', { zone: 'zone1', address: '192.168.2.10' })],
  ['LoadBalancer with defaults', env('LoadBalancer', { publicIp: 'ip1', publicPort: 443, privatePort: 8443 })],
  ['AffinityGroup host-affinity', env('AffinityGroup', { type: 'host-affinity' })],
];

describe('valid documents beyond the example', () => {
  it.each(GOOD)('accepts %s', (_label, doc) => {
    const r = validate(doc);
    expect(r.ok, r.errors).toBe(true);
  });
});

const vm = { zone: 'zone1', serviceOffering: 'small', template: 'debian-12', networks: [{ network: 'web-net' }] };

/** [label, document, a fragment of ajv's error text]. */
const BAD: [string, unknown, string][] = [
  ['unknown top-level field', { ...env('AffinityGroup', { type: 'host-affinity' }), status: {} }, 'must NOT have additional properties'],
  ['unknown spec field', env('VirtualMachine', { ...vm, hostTags: ['ssd'] }), 'must NOT have additional properties'],
  ['unknown nested field', env('VirtualMachine', { ...vm, networks: [{ network: 'web-net', mac: '02:00:00:00:00:01' }] }), 'data/spec/networks/0 must NOT have additional properties'],
  ['unknown metadata field', env('Zone', { networkType: 'Advanced' }, { namespace: 'x' }), 'data/metadata must NOT have additional properties'],
  ['unknown limit', env('Account', { limits: { gpus: 1 } }), 'data/spec/limits must NOT have additional properties'],
  ['account on a global kind', env('ServiceOffering', { cpuCores: 1, cpuMhz: 1000, memoryMiB: 512 }, { account: 'acme' }), 'must NOT have additional properties'],
  ['wrong enum', env('VirtualMachine', { ...vm, state: 'Paused' }), 'data/spec/state must be equal to one of the allowed values'],
  ['wrong hypervisor', env('Cluster', { pod: 'pod1', hypervisor: 'kvm' }), 'data/spec/hypervisor must be equal to one of the allowed values'],
  ['wrong traffic type', env('Zone', { networkType: 'Advanced', physicalNetworks: [{ name: 'p', trafficTypes: ['Guest', 'Storge'] }] }), 'data/spec/physicalNetworks/0/trafficTypes/1'],
  ['missing required spec field', env('Pod', { zone: 'zone1', gateway: '172.16.15.1', netmask: '255.255.255.0', startIp: '172.16.15.2' }), "must have required property 'endIp'"],
  ['missing spec', { apiVersion: 'cairn.dev/v1', kind: 'Zone', metadata: { name: 'z' } }, "must have required property 'spec'"],
  ['missing metadata.name', { ...env('Zone', { networkType: 'Basic' }), metadata: {} }, "data/metadata must have required property 'name'"],
  ['no networks', env('VirtualMachine', { ...vm, networks: [] }), 'data/spec/networks must NOT have fewer than 1 items'],
  ['wrong apiVersion', { ...env('Zone', { networkType: 'Basic' }), apiVersion: 'cairn.dev/v2' }, 'data/apiVersion must be equal to constant'],
  ['bad name', env('Zone', { networkType: 'Basic' }, { name: '-zone 1' }), 'data/metadata/name must match pattern'],
  ['name too long', env('Zone', { networkType: 'Basic' }, { name: 'a'.repeat(64) }), 'data/metadata/name must match pattern'],
  ['non-string label', env('Zone', { networkType: 'Basic' }, { labels: { version: 2 } }), 'data/metadata/labels/version must be string'],
  ['bad cidr', env('Network', { zone: 'zone1', type: 'Isolated', cidr: '10.1.1.0/33' }), 'data/spec/cidr must match format "cidr"'],
  ['bad ip', env('VirtualMachine', { ...vm, networks: [{ network: 'web-net', ip: '10.1.1.300' }] }), 'must match format "ipv4"'],
  ['bad cron', env('Snapshot', { volume: 'v1', schedule: 'nightly' }), 'data/spec/schedule must match format "cron"'],
  ['bad vlan range', env('Zone', { networkType: 'Advanced', physicalNetworks: [{ name: 'p', trafficTypes: ['Guest'], vlanRange: 'a-b' }] }), 'must match format "vlan-range"'],
  ['numeric ports', env('FirewallRule', { publicIp: 'ip1', protocol: 'tcp', ports: 80, cidrs: ['0.0.0.0/0'] }), 'data/spec/ports must be string'],
  ['ports with icmp', env('EgressRule', { network: 'n', protocol: 'icmp', ports: '80', cidrs: ['0.0.0.0/0'] }), 'data/spec/ports boolean schema is false'],
  ['port out of range', env('PortForward', { publicIp: 'ip1', protocol: 'tcp', publicPort: 70000, vm: 'web-1', privatePort: 22 }), 'data/spec/publicPort must be <= 65535'],
  ['vlan out of range', env('Network', { zone: 'zone1', type: 'Isolated', cidr: '10.1.1.0/24', vlan: 5000 }), 'data/spec/vlan must match exactly one schema in oneOf'],
  ['vlan as a string', env('Network', { zone: 'zone1', type: 'Isolated', cidr: '10.1.1.0/24', vlan: '100' }), 'data/spec/vlan must match exactly one schema in oneOf'],
  ['Isolated network without cidr', env('Network', { zone: 'zone1', type: 'Isolated' }), "data/spec must have required property 'cidr'"],
  ['L2 network with a cidr', env('Network', { zone: 'zone1', type: 'L2', cidr: '10.1.1.0/24' }), 'data/spec/cidr boolean schema is false'],
  ['acl without vpc', env('Network', { zone: 'zone1', type: 'Isolated', cidr: '10.1.1.0/24', acl: 'a' }), 'data/spec must have property vpc when property acl is present'],
  ['password in clear', env('Host', { cluster: 'c1', url: 'sim://c1/h9', password: 'hunter2' }), 'must NOT have additional properties'],
  ['passwordFrom with both sources', env('Host', { cluster: 'c1', url: 'sim://c1/h9', passwordFrom: { env: 'A', file: '/b' } }), 'data/spec/passwordFrom must match exactly one schema in oneOf'],
  ['passwordFrom empty', env('Host', { cluster: 'c1', url: 'sim://c1/h9', passwordFrom: {} }), 'data/spec/passwordFrom must match exactly one schema in oneOf'],
  ['host url without scheme', env('Host', { cluster: 'c1', url: 'h9.example' }), 'data/spec/url must match pattern'],
  ['overcommit below 1', env('Cluster', { pod: 'pod1', hypervisor: 'KVM', overcommit: { cpu: 0.5 } }), 'data/spec/overcommit/cpu must be >= 1'],
  ['cluster-scoped storage without cluster', env('PrimaryStorage', { scope: 'Cluster', url: 'sim://ps9' }), "data/spec must have required property 'cluster'"],
  ['zone-scoped storage naming a cluster', env('PrimaryStorage', { scope: 'Zone', zone: 'zone1', cluster: 'c1', url: 'sim://ps9' }), 'data/spec/cluster boolean schema is false'],
  ['wrong deletionPolicy', env('Volume', { zone: 'zone1', sizeGiB: 1, deletionPolicy: 'Orphan' }), 'data/spec/deletionPolicy must be equal to one of the allowed values'],
  ['Volume with offering and size', env('Volume', { zone: 'zone1', diskOffering: 'data-50', sizeGiB: 10 }), 'data/spec must match exactly one schema in oneOf'],
  ['Volume with neither', env('Volume', { zone: 'zone1' }), 'data/spec must match exactly one schema in oneOf'],
  ['keep without schedule', env('Snapshot', { volume: 'v1', keep: 3 }), 'data/spec must have property schedule when property keep is present'],
  ['negative limit', env('Project', { limits: { vms: -1 } }), 'data/spec/limits/vms must be >= 0'],
  ['bad checksum', env('Template', { url: 'x', format: 'QCOW2', hypervisor: 'KVM', checksum: 'abc' }), 'data/spec/checksum must match pattern'],
  ['empty reference', env('Pod', { zone: '', gateway: '172.16.15.1', netmask: '255.255.255.0', startIp: '172.16.15.2', endIp: '172.16.15.3' }), 'data/spec/zone must NOT have fewer than 1 characters'],
];

describe('invalid documents', () => {
  it.each(BAD)('rejects %s', (_label, doc, fragment) => {
    const r = validate(doc);
    expect(r.ok).toBe(false);
    expect(r.errors).toContain(fragment);
  });
});
