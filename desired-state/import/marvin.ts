import { MarvinConfigError, type MarvinConfigProblem } from '../errors/marvin-config-error.js';
import { API_VERSION, type Kind, type ResourceDocument } from '../model.js';
import { hostNameFromUrl, passwordEnvName } from './host-identity.js';
import {
  CLUSTER_FIELDS, HARNESS_FIELDS, HOST_FIELDS, IP_RANGE_FIELDS, PHYSICAL_NETWORK_FIELDS, POD_FIELDS,
  PRIMARY_STORAGE_FIELDS, ROOT_FIELDS, SECONDARY_STORAGE_FIELDS, TRAFFIC_TYPE_FIELDS, ZONE_FIELDS,
} from './marvin-fields.js';
import {
  childPath, ipv4Number, isObject, readBool, readCidr, readCount, readIp, readList, readObject, readTags, readText,
  reportFields, type JsonObject, type MarvinDiagnostics,
} from './marvin-values.js';
import {
  HYPERVISOR_NAMES, ISOLATION_NAMES, normaliseVlanRange, parseVlanTag, toHypervisor, toIsolation, toTrafficType,
  TRAFFIC_TYPE_NAMES, type Hypervisor, type Isolation, type TrafficType,
} from './marvin-vocabulary.js';
import { ImportNames, sanitizeName } from './resource-names.js';

/**
 * Conversion of a Marvin data-center config (CloudStack's test tool; the JSON that
 * deployDataCenter.py deploys) into cairn resources: one file per zone holding its Zone, Pods,
 * Clusters, Hosts and storage. Pure: no I/O; the command writes the files.
 */

export interface ImportedFile {
  /** Output path relative to the output directory: `<zone>.yaml`. */
  path: string;
  zone: string;
  documents: ResourceDocument[];
  /** Environment variables this file's hosts read their passwords from, in document order. */
  passwordEnv: string[];
}

export interface MarvinImport {
  files: ImportedFile[];
  /** `<json path>: <message>`, in the order of the input. */
  warnings: string[];
  passwordEnv: string[];
}

export interface MarvinImportOptions {
  /** The file name used in errors. */
  source: string;
  /** Share one across the files of an import so that names stay unique across them. */
  names?: ImportNames;
}

/** Marvin's simulator hosts declare no capacity; cairn requires it for Simulator hosts. */
export const SIMULATOR_HOST_DEFAULTS = { cpuCores: 16, cpuMhz: 2000, memoryMiB: 65536 } as const;

const NETWORK_TYPES: Record<string, 'Basic' | 'Advanced'> = { basic: 'Basic', advanced: 'Advanced' };

/** @throws MarvinConfigError listing every problem of the config, each with its JSON path. */
export function convertMarvin(config: unknown, options: MarvinImportOptions): MarvinImport {
  const problems: MarvinConfigProblem[] = [];
  const warnings: string[] = [];
  const d: MarvinDiagnostics = {
    warn: (path, message) => warnings.push(path ? `${path}: ${message}` : message),
    fail: (path, message) => problems.push({ path, message }),
  };
  const files: ImportedFile[] = [];
  if (!isObject(config)) {
    throw new MarvinConfigError(options.source, [{ path: '', message: 'expected a JSON object with a "zones" list, as Marvin writes' }]);
  }
  const conversion = new Conversion(d, options.names ?? new ImportNames());
  for (const [key, what] of Object.entries(HARNESS_FIELDS)) {
    if (Object.hasOwn(config, key)) d.warn(key, `Marvin test-harness setting (${what}); means nothing to cairn, ignored`);
  }
  reportFields(d, config, '', { ...ROOT_FIELDS, imported: [...ROOT_FIELDS.imported, ...Object.keys(HARNESS_FIELDS)] });
  const zones = readList(d, config, 'zones', '');
  if (config['zones'] === undefined || config['zones'] === null) d.fail('zones', 'missing: a Marvin config lists its zones under "zones"');
  else if (Array.isArray(config['zones']) && zones.length === 0) d.fail('zones', 'empty: no zone to import');
  zones.forEach((z, i) => {
    const file = conversion.zone(z, childPath('zones', i));
    if (file) files.push(file);
  });
  if (problems.length > 0) throw new MarvinConfigError(options.source, problems);
  return { files, warnings, passwordEnv: files.flatMap((f) => f.passwordEnv) };
}

/** The documents of one zone, gathered per kind so the file reads Zone, Pods, Clusters, Hosts, storage. */
class ZoneDocuments {
  readonly byKind = new Map<Kind, ResourceDocument[]>(
    (['Zone', 'Pod', 'Cluster', 'Host', 'PrimaryStorage', 'SecondaryStorage'] as const).map((k) => [k, []]),
  );
  readonly passwordEnv: string[] = [];

  add(kind: Kind, name: string, spec: Record<string, unknown>): void {
    this.byKind.get(kind)!.push({ apiVersion: API_VERSION, kind, metadata: { name }, spec: compact(spec) });
  }

  all(): ResourceDocument[] {
    return [...this.byKind.values()].flat();
  }
}

class Conversion {
  constructor(private readonly d: MarvinDiagnostics, private readonly names: ImportNames) {}

  zone(raw: unknown, path: string): ImportedFile | undefined {
    const { d } = this;
    const z = readObject(d, raw, path);
    if (!z) return undefined;
    reportFields(d, z, path, ZONE_FIELDS);
    const name = this.claim('Zone', readText(d, z, 'name', path, true), path, [], 'zone');
    const out = new ZoneDocuments();

    const rawType = readText(d, z, 'networktype', path, true);
    const networkType = rawType !== undefined && Object.hasOwn(NETWORK_TYPES, rawType.toLowerCase())
      ? NETWORK_TYPES[rawType.toLowerCase()]
      : undefined;
    if (rawType !== undefined && networkType === undefined) {
      d.fail(childPath(path, 'networktype'), `${JSON.stringify(rawType)} is not a zone network type (Basic or Advanced)`);
    }
    const securityGroups = readBool(d, z, 'securitygroupenabled', path);
    const pnetNames = new ImportNames();
    const physicalNetworks = readList(d, z, 'physical_networks', path)
      .map((p, i) => this.physicalNetwork(p, childPath(childPath(path, 'physical_networks'), i), pnetNames))
      .filter((p) => p !== undefined);
    const publicIpRanges = readList(d, z, 'ipranges', path)
      .map((r, i) => this.ipRange(r, childPath(childPath(path, 'ipranges'), i)))
      .filter((r) => r !== undefined);
    if (networkType === 'Advanced' && securityGroups && publicIpRanges.length > 0) {
      d.warn(childPath(path, 'ipranges'), 'in an Advanced zone with security groups Marvin gives this range to its shared guest network; imported as publicIpRanges, review it');
    }
    out.add('Zone', name, {
      networkType,
      securityGroups,
      dns: [readIp(d, z, 'dns1', path), readIp(d, z, 'dns2', path)],
      internalDns: [readIp(d, z, 'internaldns1', path), readIp(d, z, 'internaldns2', path)],
      guestCidr: readCidr(d, z, 'guestcidraddress', path),
      physicalNetworks,
      publicIpRanges,
    });

    readList(d, z, 'pods', path).forEach((p, i) => this.pod(p, childPath(childPath(path, 'pods'), i), name, out));
    readList(d, z, 'primaryStorages', path).forEach((s, i) =>
      this.primaryStorage(s, childPath(childPath(path, 'primaryStorages'), i), { zone: name }, out));
    let ssIndex = 0;
    readList(d, z, 'secondaryStorages', path).forEach((s, i) => {
      if (this.secondaryStorage(s, childPath(childPath(path, 'secondaryStorages'), i), name, ssIndex + 1, out)) ssIndex++;
    });
    return { path: `${name}.yaml`, zone: name, documents: out.all(), passwordEnv: out.passwordEnv };
  }

  /** `names`: physical network names are unique within their zone. */
  private physicalNetwork(raw: unknown, path: string, names: ImportNames): Record<string, unknown> | undefined {
    const { d } = this;
    const p = readObject(d, raw, path);
    if (!p) return undefined;
    reportFields(d, p, path, PHYSICAL_NETWORK_FIELDS);
    const name = this.claim('PhysicalNetwork', readText(d, p, 'name', path, true), path, [], 'pnet', 'name', names);
    const isolation = this.isolation(p, path);
    const rawVlan = readText(d, p, 'vlan', path);
    let vlanRange: string | undefined;
    if (rawVlan !== undefined) {
      const r = normaliseVlanRange(rawVlan);
      if ('error' in r) d.fail(childPath(path, 'vlan'), r.error);
      else vlanRange = r.range;
    }
    const trafficTypes: TrafficType[] = [];
    readList(d, p, 'traffictypes', path).forEach((t, i) => {
      const at = childPath(childPath(path, 'traffictypes'), i);
      const tt = readObject(d, t, at);
      if (!tt) return;
      reportFields(d, tt, at, TRAFFIC_TYPE_FIELDS);
      const typ = readText(d, tt, 'typ', at, true);
      if (typ === undefined) return;
      const mapped = toTrafficType(typ);
      if (mapped === undefined) d.fail(childPath(at, 'typ'), `${JSON.stringify(typ)} is not a traffic type (${TRAFFIC_TYPE_NAMES.join(', ')})`);
      else if (trafficTypes.includes(mapped)) d.warn(childPath(at, 'typ'), `${mapped} is listed twice; imported once`);
      else trafficTypes.push(mapped);
    });
    if (p['traffictypes'] === undefined || p['traffictypes'] === null) {
      d.fail(childPath(path, 'traffictypes'), 'missing: a physical network carries at least one traffic type (Guest, Management, Public, Storage)');
    } else if (Array.isArray(p['traffictypes']) && p['traffictypes'].length === 0) {
      d.fail(childPath(path, 'traffictypes'), 'empty: a physical network carries at least one traffic type (Guest, Management, Public, Storage)');
    }
    return compact({ name, isolation, vlanRange, trafficTypes });
  }

  /** CloudStack takes a list but supports one isolation method per physical network. Default VLAN, as CloudStack's. */
  private isolation(p: JsonObject, path: string): Isolation {
    const { d } = this;
    const at = childPath(path, 'isolationmethods');
    const methods = readList(d, p, 'isolationmethods', path);
    if (methods.length > 1) d.fail(at, 'lists several isolation methods; a physical network has exactly one');
    const first = methods[0];
    if (first === undefined || first === null || first === '') return 'VLAN';
    if (typeof first !== 'string') {
      d.fail(childPath(at, 0), 'expected a string');
      return 'VLAN';
    }
    const mapped = toIsolation(first);
    if (mapped === undefined) {
      d.fail(childPath(at, 0), `${JSON.stringify(first)} is not an isolation method cairn supports (${ISOLATION_NAMES.join(', ')})`);
      return 'VLAN';
    }
    return mapped;
  }

  private ipRange(raw: unknown, path: string): Record<string, unknown> | undefined {
    const { d } = this;
    const r = readObject(d, raw, path);
    if (!r) return undefined;
    reportFields(d, r, path, IP_RANGE_FIELDS);
    let vlan: number | undefined;
    const rawVlan = readText(d, r, 'vlan', path);
    if (rawVlan !== undefined) {
      const t = parseVlanTag(rawVlan);
      if ('error' in t) d.fail(childPath(path, 'vlan'), t.error);
      else vlan = t.tag;
    }
    const startIp = readIp(d, r, 'startip', path, true);
    const endIp = readIp(d, r, 'endip', path, true);
    checkOrder(d, path, startIp, endIp);
    return compact({
      startIp,
      endIp,
      netmask: readIp(d, r, 'netmask', path, true),
      gateway: readIp(d, r, 'gateway', path, true),
      vlan,
    });
  }

  private pod(raw: unknown, path: string, zone: string, out: ZoneDocuments): void {
    const { d } = this;
    const p = readObject(d, raw, path);
    if (!p) return;
    reportFields(d, p, path, POD_FIELDS);
    const name = this.claim('Pod', readText(d, p, 'name', path, true), path, [zone], 'pod');
    const startIp = readIp(d, p, 'startip', path, true);
    const endIp = readIp(d, p, 'endip', path, true);
    checkOrder(d, path, startIp, endIp);
    out.add('Pod', name, {
      zone,
      gateway: readIp(d, p, 'gateway', path, true),
      netmask: readIp(d, p, 'netmask', path, true),
      startIp,
      endIp,
    });
    readList(d, p, 'clusters', path).forEach((c, i) => this.cluster(c, childPath(childPath(path, 'clusters'), i), zone, name, out));
  }

  private cluster(raw: unknown, path: string, zone: string, pod: string, out: ZoneDocuments): void {
    const { d } = this;
    const c = readObject(d, raw, path);
    if (!c) return;
    reportFields(d, c, path, CLUSTER_FIELDS);
    const name = this.claim('Cluster', readText(d, c, 'clustername', path, true), path, [pod], 'cluster', 'clustername');
    const rawHypervisor = readText(d, c, 'hypervisor', path, true);
    const hypervisor = rawHypervisor === undefined ? undefined : toHypervisor(rawHypervisor);
    if (rawHypervisor !== undefined && hypervisor === undefined) {
      d.fail(childPath(path, 'hypervisor'), `${JSON.stringify(rawHypervisor)} is not a hypervisor cairn supports (${HYPERVISOR_NAMES.join(', ')})`);
    }
    out.add('Cluster', name, { pod, hypervisor });

    const defaulted: string[] = [];
    readList(d, c, 'hosts', path).forEach((h, i) => {
      const host = this.host(h, childPath(childPath(path, 'hosts'), i), name, hypervisor, out);
      if (host?.defaulted) defaulted.push(host.name);
    });
    if (defaulted.length > 0) {
      const { cpuCores, cpuMhz, memoryMiB } = SIMULATOR_HOST_DEFAULTS;
      d.warn(childPath(path, 'hosts'), `Marvin gives simulator hosts no capacity; wrote the Simulator defaults (cpuCores ${cpuCores}, cpuMhz ${cpuMhz}, memoryMiB ${memoryMiB}) for ${defaulted.join(', ')}`);
    }
    readList(d, c, 'primaryStorages', path).forEach((s, i) =>
      this.primaryStorage(s, childPath(childPath(path, 'primaryStorages'), i), { zone, cluster: name }, out));
  }

  private host(raw: unknown, path: string, cluster: string, hypervisor: Hypervisor | undefined, out: ZoneDocuments):
    { name: string; defaulted: boolean } | undefined {
    const { d } = this;
    const h = readObject(d, raw, path);
    if (!h) return undefined;
    reportFields(d, h, path, HOST_FIELDS);
    const url = readText(d, h, 'url', path, true);
    const derived = url === undefined ? 'host' : hostNameFromUrl(url);
    const name = this.names.claim('Host', [derived]);
    if (name !== derived) {
      d.warn(path, `host name ${derived} (from the URL) is already taken; named it ${name}`);
    }
    const password = readText(d, h, 'password', path);
    let passwordFrom: { env: string } | undefined;
    if (password !== undefined) {
      passwordFrom = { env: this.claimEnv(passwordEnvName(name)) };
      out.passwordEnv.push(passwordFrom.env);
    }
    // Marvin passes these to CloudStack for baremetal hosts only; where given, they are the capacity.
    let cpuCores = readCount(d, h, 'cpunumber', path);
    let cpuMhz = readCount(d, h, 'cpuspeed', path);
    let memoryMiB = readCount(d, h, 'memory', path);
    const defaulted = hypervisor === 'Simulator' && (cpuCores === undefined || cpuMhz === undefined || memoryMiB === undefined);
    if (hypervisor === 'Simulator') {
      cpuCores ??= SIMULATOR_HOST_DEFAULTS.cpuCores;
      cpuMhz ??= SIMULATOR_HOST_DEFAULTS.cpuMhz;
      memoryMiB ??= SIMULATOR_HOST_DEFAULTS.memoryMiB;
    }
    out.add('Host', name, {
      cluster,
      url,
      username: readText(d, h, 'username', path),
      passwordFrom,
      cpuCores,
      cpuMhz,
      memoryMiB,
      tags: readTags(d, h, 'hosttags', path),
    });
    return { name, defaulted };
  }

  private primaryStorage(raw: unknown, path: string, owner: { zone: string; cluster?: string }, out: ZoneDocuments): void {
    const { d } = this;
    const s = readObject(d, raw, path);
    if (!s) return;
    reportFields(d, s, path, PRIMARY_STORAGE_FIELDS);
    const scopeRaw = readText(d, s, 'scope', path);
    let zoneWide = owner.cluster === undefined;
    if (scopeRaw !== undefined) {
      if (/^zone$/i.test(scopeRaw)) zoneWide = true;
      else if (!/^cluster$/i.test(scopeRaw)) d.fail(childPath(path, 'scope'), `${JSON.stringify(scopeRaw)} is not a storage scope (cluster or zone)`);
      else if (owner.cluster === undefined) d.fail(childPath(path, 'scope'), 'a zone-level primary storage cannot have cluster scope');
    }
    const prefix = zoneWide ? owner.zone : owner.cluster!;
    const name = this.claim('PrimaryStorage', readText(d, s, 'name', path, true), path, [prefix], 'ps');
    out.add('PrimaryStorage', name, {
      scope: zoneWide ? 'Zone' : 'Cluster',
      zone: zoneWide ? owner.zone : undefined,
      cluster: zoneWide ? undefined : owner.cluster,
      url: readText(d, s, 'url', path, true),
      tags: readTags(d, s, 'tags', path),
    });
  }

  /** Returns whether a SecondaryStorage was written. */
  private secondaryStorage(raw: unknown, path: string, zone: string, n: number, out: ZoneDocuments): boolean {
    const { d } = this;
    const s = readObject(d, raw, path);
    if (!s) return false;
    reportFields(d, s, path, SECONDARY_STORAGE_FIELDS);
    const url = readText(d, s, 'url', path);
    if (url === undefined) {
      const provider = typeof s['provider'] === 'string' ? s['provider'] : undefined;
      if (provider !== undefined && !/^(nfs|smb)$/i.test(provider)) {
        d.warn(path, `not imported: this ${provider} image store has no URL; cairn has no object-store secondary storage`);
      } else {
        d.fail(childPath(path, 'url'), 'missing');
      }
      return false;
    }
    const name = this.names.claim('SecondaryStorage', [sanitizeName(`${zone}-ss${n}`)]);
    out.add('SecondaryStorage', name, { zone, url });
    return true;
  }

  /**
   * A unique, valid name for a Marvin-named object. An invalid name is sanitised (with a warning);
   * a taken one gets the parent's name as a prefix, then a numeric suffix (with a warning).
   */
  private claim(
    kind: Kind | 'PhysicalNetwork', raw: string | undefined, path: string, prefixes: string[], fallback: string,
    field = 'name', names = this.names,
  ): string {
    const base = sanitizeName(raw ?? '') || fallback;
    if (raw !== undefined && base !== raw) {
      this.d.warn(childPath(path, field), `${JSON.stringify(raw)} is not a valid cairn name; imported as ${base}`);
    }
    const candidates = [base, ...prefixes.map((p) => sanitizeName(`${p}-${base}`))];
    const name = names.claim(kind, candidates);
    if (name !== base && raw !== undefined) {
      this.d.warn(childPath(path, field), `${kind} name ${base} is already taken; named it ${name}`);
    }
    return name;
  }

  private claimEnv(env: string): string {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? env : `${env}_${n}`;
      if (!this.names.has('env', candidate)) return this.names.claim('env', [candidate]);
    }
  }
}

function checkOrder(d: MarvinDiagnostics, path: string, startIp: string | undefined, endIp: string | undefined): void {
  if (startIp !== undefined && endIp !== undefined && ipv4Number(startIp) > ipv4Number(endIp)) {
    d.fail(childPath(path, 'endip'), `the range ends (${endIp}) before it starts (${startIp})`);
  }
}

/** Drops undefined values and empty lists: the output omits what Marvin did not say. */
function compact<T extends Record<string, unknown>>(o: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      const items = v.filter((x) => x !== undefined);
      if (items.length > 0) out[k] = items;
      continue;
    }
    out[k] = v;
  }
  return out;
}
