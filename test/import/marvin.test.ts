import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importMarvinCommand } from '../../controller/commands/import-marvin.js';
import type { CommandIO } from '../../controller/cli/command.js';
import { runCli } from '../../controller/cli/run-cli.js';
import { MarvinConfigError } from '../../desired-state/errors/marvin-config-error.js';
import { hostNameFromUrl, passwordEnvName } from '../../desired-state/import/host-identity.js';
import { convertMarvin, type MarvinImport } from '../../desired-state/import/marvin.js';
import { locateJsonError, parseMarvinJson } from '../../desired-state/import/marvin-json.js';
import { ImportNames, RESOURCE_NAME, sanitizeName } from '../../desired-state/import/resource-names.js';
import { loadDesiredState } from '../../desired-state/load.js';
import type { ResourceDocument } from '../../desired-state/model.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'marvin');
const fixture = (name: string) => path.join(FIXTURES, name);
const readFixture = (name: string): unknown => parseMarvinJson(readFileSync(fixture(name), 'utf8'), name);
const convert = (config: unknown, names?: ImportNames): MarvinImport => convertMarvin(config, { source: 'test.cfg', names });

/** Every password value in the fixtures: none may ever appear in output. */
const PASSWORDS = ['sim-pass-0', 'sim-pass-1', 'sim-pass-2', 'sim-pass-3', 'Lab-Root-Pw1', 'Lab-Root-Pw2'];

function docsOf(result: MarvinImport, kind: string): ResourceDocument[] {
  return result.files.flatMap((f) => f.documents).filter((d) => d.kind === kind);
}
function byName(result: MarvinImport, kind: string, name: string): Record<string, unknown> {
  const doc = docsOf(result, kind).find((d) => d.metadata.name === name);
  if (!doc) throw new Error(`${kind} ${name} not imported; have ${docsOf(result, kind).map((d) => d.metadata.name).join(', ')}`);
  return doc.spec;
}

/** The smallest valid config, to vary in single tests. */
function minimalZone(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    zones: [{
      name: 'z1',
      networktype: 'Advanced',
      physical_networks: [{ name: 'pnet', vlan: '100-200', isolationmethods: ['VLAN'], traffictypes: [{ typ: 'Guest' }] }],
      pods: [{
        name: 'p1', gateway: '10.0.0.1', netmask: '255.255.255.0', startip: '10.0.0.10', endip: '10.0.0.20',
        clusters: [{
          clustername: 'c1', hypervisor: 'simulator',
          hosts: [{ url: 'http://sim/c1/h1', username: 'root', password: 'pw' }],
          primaryStorages: [{ name: 'ps1', url: 'nfs://10.0.0.5:/export/ps1' }],
        }],
      }],
      secondaryStorages: [{ url: 'nfs://10.0.0.5:/export/ss', provider: 'NFS' }],
      ...overrides,
    }],
  };
}

function problemsOf(fn: () => unknown): MarvinConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MarvinConfigError) return err;
    throw err;
  }
  throw new Error('expected a MarvinConfigError');
}

describe('convertMarvin: advanced zone fixture', () => {
  const result = convert(readFixture('advanced.cfg'));

  it('writes one file per zone, documents grouped by kind', () => {
    expect(result.files.map((f) => f.path)).toEqual(['adv-sim.yaml']);
    const kinds = result.files[0]!.documents.map((d) => d.kind);
    expect(kinds).toEqual([
      'Zone', 'Pod', 'Pod', 'Cluster', 'Cluster', 'Cluster', 'Host', 'Host', 'Host', 'Host',
      'PrimaryStorage', 'PrimaryStorage', 'PrimaryStorage', 'PrimaryStorage', 'SecondaryStorage', 'SecondaryStorage',
    ]);
    for (const d of result.files[0]!.documents) expect(d.apiVersion).toBe('cairn.dev/v1');
  });

  it('maps the zone, normalising VLANs and omitting what Marvin left out', () => {
    expect(byName(result, 'Zone', 'adv-sim')).toEqual({
      networkType: 'Advanced',
      securityGroups: false,
      dns: ['10.147.28.6', '8.8.8.8'],
      internalDns: ['10.147.28.6'],
      guestCidr: '10.1.1.0/24',
      physicalNetworks: [
        { name: 'adv-pnet-guest', isolation: 'VLAN', vlanRange: '500-599', trafficTypes: ['Guest', 'Public'] },
        { name: 'adv-pnet-mgmt', isolation: 'VLAN', trafficTypes: ['Management', 'Storage'] },
      ],
      publicIpRanges: [
        { startIp: '192.168.2.2', endIp: '192.168.2.100', netmask: '255.255.255.0', gateway: '192.168.2.1', vlan: 50 },
        { startIp: '192.168.3.2', endIp: '192.168.3.100', netmask: '255.255.255.0', gateway: '192.168.3.1' },
      ],
    });
  });

  it('maps pods, clusters (hypervisor case-insensitively) and storage', () => {
    expect(byName(result, 'Pod', 'POD0')).toEqual({
      zone: 'adv-sim', gateway: '172.16.15.1', netmask: '255.255.255.0', startIp: '172.16.15.2', endIp: '172.16.15.200',
    });
    expect(byName(result, 'Cluster', 'C0')).toEqual({ pod: 'POD0', hypervisor: 'Simulator' });
    expect(byName(result, 'Cluster', 'C1')).toEqual({ pod: 'POD0', hypervisor: 'Simulator' });
    expect(byName(result, 'PrimaryStorage', 'PS0')).toEqual({
      scope: 'Cluster', cluster: 'C0', url: 'nfs://10.147.28.6:/export/home/sandbox/primary0',
    });
    expect(docsOf(result, 'SecondaryStorage').map((d) => [d.metadata.name, d.spec])).toEqual([
      ['adv-sim-ss1', { zone: 'adv-sim', url: 'nfs://10.147.28.6:/export/home/sandbox/secondary' }],
      ['adv-sim-ss2', { zone: 'adv-sim', url: 'nfs://10.147.28.7:/export/home/sandbox/secondary' }],
    ]);
  });

  it('names hosts from their URL, gives simulator hosts default capacity and passwords by env reference', () => {
    expect(byName(result, 'Host', 'sim-c0-h0')).toEqual({
      cluster: 'C0', url: 'http://sim/c0/h0', username: 'root',
      passwordFrom: { env: 'CAIRN_HOST_PASSWORD_SIM_C0_H0' },
      cpuCores: 16, cpuMhz: 2000, memoryMiB: 65536,
    });
    expect(result.passwordEnv).toEqual([
      'CAIRN_HOST_PASSWORD_SIM_C0_H0', 'CAIRN_HOST_PASSWORD_SIM_C0_H1', 'CAIRN_HOST_PASSWORD_SIM_C1_H0', 'CAIRN_HOST_PASSWORD_SIM_C0_H0_2',
    ]);
    expect(result.warnings).toContain(
      'zones[0].pods[0].clusters[0].hosts: Marvin gives simulator hosts no capacity; wrote the Simulator defaults (cpuCores 16, cpuMhz 2000, memoryMiB 65536) for sim-c0-h0, sim-c0-h1',
    );
  });

  it('renames repeated names with the parent as prefix (clusters, storage) or a suffix (hosts), and says so', () => {
    expect(byName(result, 'Cluster', 'POD1-C0')).toEqual({ pod: 'POD1', hypervisor: 'Simulator' });
    expect(byName(result, 'Host', 'sim-c0-h0-2')).toMatchObject({ cluster: 'POD1-C0', url: 'http://sim/c0/h0' });
    expect(byName(result, 'PrimaryStorage', 'POD1-C0-PS0')).toMatchObject({ cluster: 'POD1-C0' });
    expect(result.warnings).toEqual(expect.arrayContaining([
      'zones[0].pods[1].clusters[0].clustername: Cluster name C0 is already taken; named it POD1-C0',
      'zones[0].pods[1].clusters[0].hosts[0]: host name sim-c0-h0 (from the URL) is already taken; named it sim-c0-h0-2',
      'zones[0].pods[1].clusters[0].primaryStorages[0].name: PrimaryStorage name PS0 is already taken; named it POD1-C0-PS0',
    ]));
  });

  it('says once per field what it does not import and why, and that harness settings mean nothing to cairn', () => {
    expect(result.warnings).toEqual(expect.arrayContaining([
      'dbSvr: Marvin test-harness setting (database of the management server); means nothing to cairn, ignored',
      'mgtSvr: Marvin test-harness setting (management server to drive); means nothing to cairn, ignored',
      'globalConfig: Marvin test-harness setting (CloudStack global settings); means nothing to cairn, ignored',
      'logger: Marvin test-harness setting (Marvin log settings); means nothing to cairn, ignored',
      'zones[0].physical_networks[0].providers: not imported: network service providers are not modelled in cairn',
      'zones[0].physical_networks[0].traffictypes[0].simulator: not imported: per-hypervisor network labels (bridge names) are not modelled in cairn',
      'zones[0].pods[0].clusters[0].clustertype: not imported: cairn manages every cluster itself (CloudManaged)',
      'zones[0].secondaryStorages[0].provider: not imported: cairn infers the protocol from the URL scheme',
    ]));
    // The empty vmwaredc placeholder Marvin configs carry is not worth a warning.
    expect(result.warnings.filter((w) => w.includes('vmwaredc'))).toEqual([]);
    expect(result.warnings.filter((w) => w.startsWith('dbSvr'))).toHaveLength(1);
  });

  it('never carries a password, in documents or in warnings', () => {
    const text = JSON.stringify(result);
    for (const p of PASSWORDS) expect(text).not.toContain(p);
    expect(text).not.toMatch(/"password"/);
  });
});

describe('convertMarvin: basic zone fixture (KVM)', () => {
  const result = convert(readFixture('basic.cfg'));

  it('maps a Basic zone with security groups and L3 isolation', () => {
    expect(byName(result, 'Zone', 'basic-kvm')).toEqual({
      networkType: 'Basic',
      securityGroups: true,
      dns: ['8.8.8.8', '8.8.4.4'],
      internalDns: ['192.168.56.1', '192.168.56.2'],
      physicalNetworks: [{ name: 'basic-pnet', isolation: 'L3', trafficTypes: ['Guest', 'Management'] }],
    });
  });

  it('leaves capacity of real hosts to be observed, and maps host and storage tags', () => {
    expect(byName(result, 'Host', '192.168.56.10')).toEqual({
      cluster: 'kvm-cluster-1', url: 'http://192.168.56.10', username: 'root',
      passwordFrom: { env: 'CAIRN_HOST_PASSWORD_192_168_56_10' },
    });
    expect(byName(result, 'Host', '192.168.56.11')).toMatchObject({ tags: ['ssd', 'fast'] });
    expect(byName(result, 'PrimaryStorage', 'lab-primary')).toEqual({
      scope: 'Cluster', cluster: 'kvm-cluster-1', url: 'nfs://192.168.56.5:/export/primary', tags: ['ssd'],
    });
    expect(result.warnings.some((w) => w.includes('no capacity'))).toBe(false);
  });

  it('explains why guest IP ranges and local storage are not imported', () => {
    expect(result.warnings).toEqual(expect.arrayContaining([
      'zones[0].pods[0].guestIpRanges: not imported: Basic-zone guest IP ranges belong to a Shared Network in cairn; declare one',
      'zones[0].localstorageenabled: not imported: cairn has no zone-wide local-storage switch',
      'zones[0].physical_networks[0].traffictypes[0].kvm: not imported: per-hypervisor network labels (bridge names) are not modelled in cairn',
    ]));
  });
});

describe('convertMarvin: rules', () => {
  it('warns about unknown fields anywhere, by JSON path', () => {
    const config = minimalZone();
    const zone = (config.zones as Record<string, any>[])[0]!;
    zone.pods[0].foo = 1;
    zone.pods[0].clusters[0].hosts[0]['cpu sockets'] = 2;
    (config as Record<string, unknown>).extraTopLevel = true;
    const { warnings } = convert(config);
    expect(warnings).toEqual(expect.arrayContaining([
      'extraTopLevel: unknown Marvin field, not imported',
      'zones[0].pods[0].foo: unknown Marvin field, not imported',
      'zones[0].pods[0].clusters[0].hosts[0]["cpu sockets"]: unknown Marvin field, not imported',
    ]));
  });

  it.each([
    ['simulator', 'Simulator'], ['SIMULATOR', 'Simulator'], ['kvm', 'KVM'], ['XenServer', 'XenServer'],
    ['xenserver', 'XenServer'], ['VmWare', 'VMware'], ['vmware', 'VMware'],
  ])('maps hypervisor %s to %s', (raw, mapped) => {
    const config = minimalZone();
    (config.zones as any)[0].pods[0].clusters[0].hypervisor = raw;
    expect(byName(convert(config), 'Cluster', 'c1').hypervisor).toBe(mapped);
  });

  it('refuses an unknown hypervisor, naming the file and the path', () => {
    const err = problemsOf(() => convertMarvin(readFixture('unsupported-hypervisor.cfg'), { source: 'unsupported-hypervisor.cfg' }));
    expect(err.code).toBe('MARVIN_CONFIG_INVALID');
    expect(err.message).toBe(
      'unsupported-hypervisor.cfg: zones[0].pods[0].clusters[0].hypervisor: "Hyperv" is not a hypervisor cairn supports (Simulator, KVM, XenServer, VMware)',
    );
  });

  it('reports every problem of a file at once', () => {
    const config = minimalZone({ networktype: 'Hybrid', dns1: '8.8.8', guestcidraddress: '10.1.0.0/33' });
    const z = (config.zones as any)[0];
    z.physical_networks[0].vlan = '300-200';
    z.physical_networks[0].isolationmethods = ['GRE'];
    z.physical_networks[0].traffictypes.push({ typ: 'Backup' });
    z.pods[0].clusters[0].hosts[0].url = undefined;
    z.secondaryStorages[0].url = '';
    const err = problemsOf(() => convert(config));
    expect(err.problems.map((p) => p.path)).toEqual([
      'zones[0].networktype',
      'zones[0].physical_networks[0].isolationmethods[0]',
      'zones[0].physical_networks[0].vlan',
      'zones[0].physical_networks[0].traffictypes[1].typ',
      'zones[0].dns1',
      'zones[0].guestcidraddress',
      'zones[0].pods[0].clusters[0].hosts[0].url',
      'zones[0].secondaryStorages[0].url',
    ]);
    expect(err.message.split('\n')[0]).toBe('test.cfg: zones[0].networktype: "Hybrid" is not a zone network type (Basic or Advanced)');
  });

  it.each([
    ['100-200', '100-200'], [' 100 - 200 ', '100-200'], ['300', '300-300'], [4000, '4000-4000'],
  ])('normalises physical network vlan %j to %s', (raw, expected) => {
    const config = minimalZone();
    (config.zones as any)[0].physical_networks[0].vlan = raw;
    expect((byName(convert(config), 'Zone', 'z1').physicalNetworks as any)[0].vlanRange).toBe(expected);
  });

  it.each(['100-200,300-400', '0-10', '4000-5000', 'auto'])('refuses physical network vlan %j', (raw) => {
    const config = minimalZone();
    (config.zones as any)[0].physical_networks[0].vlan = raw;
    expect(problemsOf(() => convert(config)).problems[0]!.path).toBe('zones[0].physical_networks[0].vlan');
  });

  it.each([
    ['50', 50], [50, 50], ['vlan://60', 60], ['untagged', undefined], ['Untagged', undefined], ['vlan://untagged', undefined],
  ])('maps public range vlan %j to %j', (raw, expected) => {
    const config = minimalZone({ ipranges: [{ startip: '1.1.1.2', endip: '1.1.1.9', netmask: '255.255.255.0', gateway: '1.1.1.1', vlan: raw }] });
    const range = (byName(convert(config), 'Zone', 'z1').publicIpRanges as any)[0];
    expect(range.vlan).toBe(expected);
    expect('vlan' in range).toBe(expected !== undefined);
  });

  it('defaults isolation to VLAN and refuses several methods, as CloudStack does', () => {
    const config = minimalZone();
    delete (config.zones as any)[0].physical_networks[0].isolationmethods;
    expect((byName(convert(config), 'Zone', 'z1').physicalNetworks as any)[0].isolation).toBe('VLAN');
    (config.zones as any)[0].physical_networks[0].isolationmethods = ['VLAN', 'VXLAN'];
    expect(problemsOf(() => convert(config)).problems[0]!.path).toBe('zones[0].physical_networks[0].isolationmethods');
  });

  it('keeps capacity Marvin does give (baremetal-style cpunumber, cpuspeed, memory) over the defaults', () => {
    const config = minimalZone();
    Object.assign((config.zones as any)[0].pods[0].clusters[0].hosts[0], { cpunumber: '8', cpuspeed: 2400, memory: '32768' });
    const result = convert(config);
    expect(byName(result, 'Host', 'sim-c1-h1')).toMatchObject({ cpuCores: 8, cpuMhz: 2400, memoryMiB: 32768 });
    expect(result.warnings.some((w) => w.includes('no capacity'))).toBe(false);
  });

  it('omits passwordFrom for a host without a password', () => {
    const config = minimalZone();
    delete (config.zones as any)[0].pods[0].clusters[0].hosts[0].password;
    const result = convert(config);
    expect(byName(result, 'Host', 'sim-c1-h1')).not.toHaveProperty('passwordFrom');
    expect(result.passwordEnv).toEqual([]);
  });

  it('keeps names unique across the files of one import (shared ImportNames)', () => {
    const names = new ImportNames();
    const a = convert(readFixture('advanced.cfg'), names);
    const b = convert(readFixture('advanced.cfg'), names);
    expect(a.files[0]!.path).toBe('adv-sim.yaml');
    expect(b.files[0]!.path).toBe('adv-sim-2.yaml');
    expect(byName(b, 'Pod', 'adv-sim-2-POD0')).toMatchObject({ zone: 'adv-sim-2' });
    expect(byName(b, 'Cluster', 'adv-sim-2-POD0-C0')).toMatchObject({ pod: 'adv-sim-2-POD0' });
    const hosts = [...docsOf(a, 'Host'), ...docsOf(b, 'Host')].map((d) => d.metadata.name);
    expect(new Set(hosts).size).toBe(hosts.length);
    const env = [...a.passwordEnv, ...b.passwordEnv];
    expect(new Set(env).size).toBe(env.length);
  });

  it('sanitises names cairn would reject, and says so', () => {
    const config = minimalZone({ name: 'Sandbox simulator!' });
    (config.zones as any)[0].pods[0].clusters[0].clustername = '10.1.1.1/dc1/cluster1';
    const result = convert(config);
    expect(result.files[0]!.path).toBe('Sandbox-simulator.yaml');
    expect(byName(result, 'Cluster', '10.1.1.1-dc1-cluster1')).toBeDefined();
    expect(result.warnings).toContain('zones[0].name: "Sandbox simulator!" is not a valid cairn name; imported as Sandbox-simulator');
  });

  it('imports zone-wide primary storage with Zone scope', () => {
    const config = minimalZone({ primaryStorages: [{ name: 'zps', url: 'nfs://10.0.0.5:/export/zps', scope: 'zone' }] });
    expect(byName(convert(config), 'PrimaryStorage', 'zps')).toEqual({ scope: 'Zone', zone: 'z1', url: 'nfs://10.0.0.5:/export/zps' });
  });

  it('skips an object-store secondary storage (no URL) with a warning, but refuses an NFS one without URL', () => {
    const s3 = minimalZone({ secondaryStorages: [{ provider: 'S3', name: 'objstore', details: { secretkey: 'SECRET' } }] });
    const result = convert(s3);
    expect(docsOf(result, 'SecondaryStorage')).toEqual([]);
    expect(result.warnings).toContain('zones[0].secondaryStorages[0]: not imported: this S3 image store has no URL; cairn has no object-store secondary storage');
    expect(JSON.stringify(result)).not.toContain('SECRET');
    const nfs = minimalZone({ secondaryStorages: [{ provider: 'NFS' }] });
    expect(problemsOf(() => convert(nfs)).message).toBe('test.cfg: zones[0].secondaryStorages[0].url: missing');
  });

  it('does not mistake inherited object keys for vocabulary', () => {
    expect(problemsOf(() => convert(minimalZone({ networktype: 'constructor' }))).problems[0]!.path).toBe('zones[0].networktype');
    const config = minimalZone();
    (config.zones as any)[0].pods[0].clusters[0].hypervisor = 'toString';
    expect(problemsOf(() => convert(config)).problems[0]!.path).toBe('zones[0].pods[0].clusters[0].hypervisor');
  });

  it.each([
    [null, 'test.cfg: expected a JSON object with a "zones" list, as Marvin writes'],
    [{}, 'test.cfg: zones: missing: a Marvin config lists its zones under "zones"'],
    [{ zones: [] }, 'test.cfg: zones: empty: no zone to import'],
    [{ zones: 'z1' }, 'test.cfg: zones: expected a list, found a string'],
  ])('refuses a config without zones: %j', (config, message) => {
    expect(problemsOf(() => convert(config)).message.split('\n')[0]).toBe(message);
  });

  it('does not echo a misplaced value in errors (it could be a password)', () => {
    const config = minimalZone();
    (config.zones as any)[0].pods[0].clusters[0].hosts[0].username = { secret: 'hunter2' };
    expect(problemsOf(() => convert(config)).message).toBe('test.cfg: zones[0].pods[0].clusters[0].hosts[0].username: expected a string, found an object');
  });
});

describe('host naming', () => {
  it.each([
    ['http://sim/c0/h0', 'sim-c0-h0'],
    ['http://Sim/0000', 'sim-0000'],
    ['http://192.168.56.10/', '192.168.56.10'],
    ['http://10.147.29.58', '10.147.29.58'],
    ['qemu+ssh://root@kvm1.lab:2222/system', 'kvm1.lab-system'],
    ['sim://c1/h1', 'c1-h1'],
    ['http://[fe80::1]/x', 'fe80-1-x'],
    ['10.0.0.7', '10.0.0.7'],
    ['http://host/a%20b', 'host-a-b'],
    ['http:///', 'host'],
  ])('%s -> %s', (url, name) => {
    expect(hostNameFromUrl(url)).toBe(name);
  });

  it('env var names are upper snake case', () => {
    expect(passwordEnvName('sim-c0-h0')).toBe('CAIRN_HOST_PASSWORD_SIM_C0_H0');
    expect(passwordEnvName('192.168.56.10')).toBe('CAIRN_HOST_PASSWORD_192_168_56_10');
  });

  it('property: any URL gives a valid resource name', () => {
    fc.assert(fc.property(fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string()), (url) => {
      expect(hostNameFromUrl(url)).toMatch(RESOURCE_NAME);
    }), { numRuns: 200 });
  });

  it('property: sanitizeName gives a valid name or nothing', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      const n = sanitizeName(s);
      if (n !== '') expect(n).toMatch(RESOURCE_NAME);
    }));
  });
});

describe('parseMarvinJson', () => {
  it('skips # comment lines as Marvin does, keeping line numbers', () => {
    expect(parseMarvinJson('# header\n  # indented\n{"zones": []}\n', 'x.cfg')).toEqual({ zones: [] });
  });

  it('reports a syntax error with file, line and column', () => {
    const err = problemsOf(() => readFixture('broken-syntax.cfg'));
    expect(err.message).toBe('broken-syntax.cfg:7:30: invalid JSON: trailing comma before "}"');
  });

  it.each([
    ['{"a": 1', 1, 8, 'unexpected end of input'],
    ['{\n  "a": x\n}', 2, 8, 'unexpected character "x"'],
    ["{\n'a': 1}", 2, 1, 'expected a double-quoted property name'],
    ['{"a": "line\nbreak"}', 1, 12, 'unescaped control character (a line break?) inside a string'],
    ['{"a": 1} {}', 1, 10, 'unexpected content after the end of the JSON value'],
    ['{"a" 1}', 1, 6, "expected ':' after property name"],
    ['[1 2]', 1, 4, "expected ',' or ']' after array element"],
    ['', 0, 0, 'no JSON in the file (empty, or only # comments)'],
  ])('locates %j', (text, line, column, message) => {
    const err = problemsOf(() => parseMarvinJson(text, 'f.cfg'));
    expect(err.problems[0]).toMatchObject(line ? { line, column, message: `invalid JSON: ${message}` } : { message });
  });

  it('property: any text parses or gives a positioned MarvinConfigError, never another error', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      try {
        parseMarvinJson(text, 'f.cfg');
      } catch (err) {
        expect(err).toBeInstanceOf(MarvinConfigError);
        const p = (err as MarvinConfigError).problems[0]!;
        if (p.line !== undefined) expect(p.line).toBeGreaterThanOrEqual(1);
      }
    }));
  });

  it('property: the locator finds an error exactly when JSON.parse does', () => {
    const damaged = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\n', '0'))
      .map(([json, at, ch]) => {
        const i = json.length === 0 ? 0 : at % json.length;
        return json.slice(0, i) + ch + json.slice(i + (ch === '' ? 1 : 0));
      });
    fc.assert(fc.property(damaged, (text) => {
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      if (!parses) expect(locateJsonError(text).message).not.toBe('not valid JSON');
    }), { numRuns: 500 });
  });
});

describe('convertMarvin: properties', () => {
  const base = readFixture('advanced.cfg');

  /** The fixture with one value somewhere replaced by anything. */
  const mutated = fc.tuple(fc.nat(), fc.anything()).map(([pick, value]) => {
    const copy = structuredClone(base) as Record<string, unknown>;
    const slots: { parent: any; key: string | number }[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach((x, i) => { slots.push({ parent: v, key: i }); walk(x); });
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { slots.push({ parent: v, key: k }); walk(x); }
    };
    walk(copy);
    const slot = slots[pick % slots.length]!;
    slot.parent[slot.key] = value;
    return copy;
  });

  it('any damaged config converts or fails with MarvinConfigError; output names are valid, unique and resolve; no password leaks', () => {
    fc.assert(fc.property(mutated, (config) => {
      let result: MarvinImport;
      try {
        result = convert(config);
      } catch (err) {
        expect(err).toBeInstanceOf(MarvinConfigError);
        return;
      }
      const docs = result.files.flatMap((f) => f.documents);
      const seen = new Set<string>();
      for (const d of docs) {
        expect(d.metadata.name).toMatch(RESOURCE_NAME);
        const key = `${d.kind}/${d.metadata.name}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        for (const v of Object.values(d.spec)) expect(v).not.toBeNull();
      }
      const has = (kind: string, name: unknown) => seen.has(`${kind}/${String(name)}`);
      for (const d of docs) {
        if (d.kind === 'Pod' || d.kind === 'SecondaryStorage') expect(has('Zone', d.spec.zone)).toBe(true);
        if (d.kind === 'Cluster') expect(has('Pod', d.spec.pod)).toBe(true);
        if (d.kind === 'Host') expect(has('Cluster', d.spec.cluster)).toBe(true);
      }
      const text = JSON.stringify(result);
      for (const p of PASSWORDS) expect(text).not.toContain(p);
    }), { numRuns: 300 });
  });
});

// --- The command, driven as the CLI would -------------------------------------------------------

function memoryIO(cwd: string): CommandIO & { out: () => string; err: () => string } {
  const sink = () => {
    const chunks: string[] = [];
    const stream = new Writable({ write(chunk, _enc, cb) { chunks.push(String(chunk)); cb(); } });
    return { stream, text: () => chunks.join('') };
  };
  const o = sink();
  const e = sink();
  return { stdout: o.stream, stderr: e.stream, cwd, env: {}, out: o.text, err: e.text };
}

describe('cairn import marvin', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cairn-marvin-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const run = async (positionals: string[], values: Record<string, string | boolean>) => {
    const io = memoryIO(dir);
    const code = await importMarvinCommand.run({ positionals, values }, io);
    return { code, stdout: io.out(), stderr: io.err() };
  };

  it('runs from a command line, flags parsed strictly', async () => {
    const io = memoryIO(dir);
    const argv = ['import', 'marvin', fixture('basic.cfg'), fixture('advanced.cfg'), '-o', 'infra', '--json'];
    expect(await runCli(argv, io, [importMarvinCommand])).toBe(0);
    expect(JSON.parse(io.out()).files.map((f: { path: string }) => f.path)).toEqual(['infra/basic-kvm.yaml', 'infra/adv-sim.yaml']);
    const help = memoryIO(dir);
    expect(await runCli(['import', 'marvin', '--help'], help, [importMarvinCommand])).toBe(0);
    expect(help.out()).toContain('--out');
    const bad = memoryIO(dir);
    expect(await runCli(['import', 'marvin', fixture('basic.cfg'), '--out', 'x', '--frobnicate'], bad, [importMarvinCommand])).toBe(64);
  });

  it('is registered as `import marvin` with out, force and json', () => {
    expect(importMarvinCommand.path).toEqual(['import', 'marvin']);
    expect(importMarvinCommand.options.map((o) => o.name).sort()).toEqual(['force', 'json', 'out']);
  });

  it('writes one YAML file per zone, with a header, that reads back as the converted documents', async () => {
    const { code, stdout, stderr } = await run([fixture('advanced.cfg'), fixture('basic.cfg')], { out: 'dc/infrastructure' });
    expect(code).toBe(0);
    expect(stdout).toContain('wrote dc/infrastructure/adv-sim.yaml');
    expect(stdout).toContain('1 Zone, 2 Pod, 3 Cluster, 4 Host, 4 PrimaryStorage, 2 SecondaryStorage');
    const text = await fs.readFile(path.join(dir, 'dc/infrastructure/adv-sim.yaml'), 'utf8');
    expect(text.startsWith(`# Imported from ${fixture('advanced.cfg')} by \`cairn import marvin\``)).toBe(true);
    expect(text).toContain('#   CAIRN_HOST_PASSWORD_SIM_C0_H0\n');
    const docs = parseAllDocuments(text).map((d) => (d as { toJS(): unknown }).toJS());
    expect(docs).toEqual(convert(readFixture('advanced.cfg')).files[0]!.documents);
    expect(await fs.readdir(path.join(dir, 'dc/infrastructure'))).toEqual(['adv-sim.yaml', 'basic-kvm.yaml']);
    expect(stderr).toContain(`warning: ${fixture('advanced.cfg')}: dbSvr: Marvin test-harness setting`);
  });

  it('names the environment variables for host passwords on stderr, and never a password', async () => {
    const { code, stdout, stderr } = await run([fixture('advanced.cfg'), fixture('basic.cfg')], { out: 'out' });
    expect(code).toBe(0);
    expect(stderr).toContain('set these environment variables');
    expect(stderr).toContain('  CAIRN_HOST_PASSWORD_192_168_56_11\n');
    const written = (await Promise.all((await fs.readdir(path.join(dir, 'out'))).map((f) => fs.readFile(path.join(dir, 'out', f), 'utf8')))).join('');
    for (const p of [...PASSWORDS, 'cloud"', 'password"']) {
      expect(stdout + stderr + written).not.toContain(p);
    }
  });

  it('prints a JSON summary with --json', async () => {
    const { code, stdout } = await run([fixture('basic.cfg')], { out: 'out', json: true });
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.files).toEqual([{
      path: 'out/basic-kvm.yaml', source: fixture('basic.cfg'), zone: 'basic-kvm',
      resources: { Zone: 1, Pod: 1, Cluster: 1, Host: 2, PrimaryStorage: 1, SecondaryStorage: 1 },
    }]);
    expect(summary.passwordEnv).toEqual(['CAIRN_HOST_PASSWORD_192_168_56_10', 'CAIRN_HOST_PASSWORD_192_168_56_11']);
    expect(summary.warnings.length).toBeGreaterThan(0);
  });

  it('refuses to overwrite without --force, and overwrites with it', async () => {
    expect((await run([fixture('basic.cfg')], { out: 'out' })).code).toBe(0);
    await fs.writeFile(path.join(dir, 'out/basic-kvm.yaml'), 'edited\n');
    const again = await run([fixture('basic.cfg')], { out: 'out' });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('out/basic-kvm.yaml: already exists; use --force to overwrite');
    expect(await fs.readFile(path.join(dir, 'out/basic-kvm.yaml'), 'utf8')).toBe('edited\n');
    expect((await run([fixture('basic.cfg')], { out: 'out', force: true })).code).toBe(0);
    expect(await fs.readFile(path.join(dir, 'out/basic-kvm.yaml'), 'utf8')).toContain('kind: Zone');
  });

  it('exits 1 on bad input, naming file, line and column, without a stack trace and without writing', async () => {
    const { code, stdout, stderr } = await run([fixture('basic.cfg'), fixture('broken-syntax.cfg')], { out: 'out' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${fixture('broken-syntax.cfg')}:7:30: invalid JSON: trailing comma before "}"`);
    expect(stderr).not.toMatch(/\n\s+at /);
    await expect(fs.access(path.join(dir, 'out'))).rejects.toThrow();
  });

  it('exits 1 on an unsupported hypervisor, naming the path', async () => {
    const { code, stderr } = await run([fixture('unsupported-hypervisor.cfg')], { out: 'out' });
    expect(code).toBe(1);
    expect(stderr).toContain('zones[0].pods[0].clusters[0].hypervisor: "Hyperv" is not a hypervisor cairn supports');
  });

  it.each([
    [[], { out: 'out' }, 64, 'name at least one Marvin config FILE'],
    [['x.cfg'], {}, 64, '--out DIR is required'],
    [['missing.cfg'], { out: 'out' }, 74, 'missing.cfg: cannot read: no such file or directory'],
  ])('exits 64 on usage errors, 74 on unreadable input: %j %j', async (positionals, values, exit, message) => {
    const { code, stderr } = await run(positionals as string[], values as Record<string, string>);
    expect(code).toBe(exit);
    expect(stderr).toContain(message);
  });

  it("writes output that cairn's own validator accepts", async () => {
    // Two files whose names collide (the same config twice) exercise the renaming too.
    const { code } = await run([fixture('advanced.cfg'), fixture('basic.cfg'), fixture('advanced.cfg')], { out: 'repo' });
    expect(code).toBe(0);
    const result = await loadDesiredState({ repo: path.join(dir, 'repo'), worktree: true });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
