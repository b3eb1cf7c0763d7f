/**
 * Addresses: gateways and explicit VM addresses inside their network and not taken twice, CIDRs of
 * one tenant's networks in a zone disjoint, public IP ranges ordered and public IPs inside them,
 * each taken once.
 */
import { afterAll, describe, it } from 'vitest';
import { exampleEdit, exampleFiles, examplePositionOf, lines, loadFiles, removeTempDirs, type FileMap } from '../support/desired-state-repo.js';
import { expectIssues, expectOneIssue } from '../support/expect-issues.js';

afterAll(removeTempDirs);

const VMS = 'tenants/acme/vms.yaml';
const NETWORK = 'tenants/acme/network.yaml';
const ZONE = 'infrastructure/zone1.yaml';
const withFiles = (files: FileMap) => ({ ...exampleFiles(), ...files });
const at = (p: { line: number; column: number }) => `${p.line}:${p.column}`;

const GLOBEX = lines('apiVersion: cairn.dev/v1', 'kind: Account', 'metadata: { name: globex }', 'spec: { domain: customers }');
const network = (name: string, account: string, cidr: string, zone = 'zone1') => lines(
  'apiVersion: cairn.dev/v1',
  'kind: Network',
  `metadata: { name: ${name}, account: ${account} }`,
  `spec: { zone: ${zone}, type: Isolated, cidr: ${cidr} }`,
);
/** Zone zone2, with nothing in it. */
const ZONE2 = lines('apiVersion: cairn.dev/v1', 'kind: Zone', 'metadata: { name: zone2 }', 'spec: { networkType: Advanced }');

describe('address.gateway-outside', () => {
  it('points at a gateway outside the cidr', async () => {
    const edit = exampleEdit(NETWORK, 'gateway: 10.1.1.1', 'gateway: 10.1.2.1');
    expectOneIssue(await loadFiles(edit.files), {
      file: NETWORK, ...edit.at('10.1.2.1'), rule: 'address.gateway-outside', message: "gateway 10.1.2.1 is outside the network's cidr 10.1.1.0/24",
    });
  });
});

describe('address.ip-outside', () => {
  it("points at a VM address outside its network's cidr", async () => {
    const edit = exampleEdit(VMS, 'ip: 10.1.1.10 }', 'ip: 10.1.2.10 }');
    expectOneIssue(await loadFiles(edit.files), {
      file: VMS, ...edit.at('10.1.2.10'), rule: 'address.ip-outside', message: "ip 10.1.2.10 is outside network web-net's cidr 10.1.1.0/24",
    });
  });
});

describe('address.ip-reserved', () => {
  it('points at the network address of the cidr', async () => {
    const edit = exampleEdit(VMS, 'ip: 10.1.1.10 }', 'ip: 10.1.1.0 }');
    expectOneIssue(await loadFiles(edit.files), { file: VMS, ...edit.at('10.1.1.0'), rule: 'address.ip-reserved', message: 'ip 10.1.1.0 is the network address of 10.1.1.0/24' });
  });

  it('points at the broadcast address of the cidr', async () => {
    const edit = exampleEdit(VMS, 'ip: 10.1.1.20 }', 'ip: 10.1.1.255 }');
    expectOneIssue(await loadFiles(edit.files), { file: VMS, ...edit.at('10.1.1.255'), rule: 'address.ip-reserved', message: 'ip 10.1.1.255 is the broadcast address of 10.1.1.0/24' });
  });
});

describe('address.ip-duplicate', () => {
  it('points at the second VM using an address and names the first', async () => {
    const first = examplePositionOf(VMS, '10.1.1.10');
    const edit = exampleEdit(VMS, 'ip: 10.1.1.20 }', 'ip: 10.1.1.10 }');
    expectOneIssue(await loadFiles(edit.files), {
      file: VMS, ...edit.at('10.1.1.10'), rule: 'address.ip-duplicate',
      message: `ip 10.1.1.10 is already used by VirtualMachine web-1 (at ${VMS}:${at(first)}); an address is used once per network`,
    });
  });

  it("points at a VM address that is the network's gateway", async () => {
    const gateway = examplePositionOf(NETWORK, '10.1.1.1\n');
    const edit = exampleEdit(VMS, 'ip: 10.1.1.10 }', 'ip: 10.1.1.1 }');
    expectOneIssue(await loadFiles(edit.files), {
      file: VMS, ...edit.at('10.1.1.1'), rule: 'address.ip-duplicate', message: `ip 10.1.1.1 is the gateway of network web-net (at ${NETWORK}:${at(gateway)})`,
    });
  });

  it("points at a VM address that is the implicit gateway (the cidr's first address) of a network that sets none", async () => {
    const files = exampleEdit(VMS, 'ip: 10.1.1.10 }', 'ip: 10.1.1.1 }').files;
    const cidr = examplePositionOf(NETWORK, '10.1.1.0/24');
    files[NETWORK] = files[NETWORK]!.replace('  gateway: 10.1.1.1\n', '');
    const vm = exampleEdit(VMS, 'ip: 10.1.1.10 }', 'ip: 10.1.1.1 }').at('10.1.1.1');
    expectOneIssue(await loadFiles(files), {
      file: VMS, ...vm, rule: 'address.ip-duplicate', message: [`ip 10.1.1.1 is the gateway of network web-net`, 'first address of its cidr', `(at ${NETWORK}:${at(cidr)})`],
    });
  });

  it("is not a duplicate: the same address in another tenant's overlapping network", async () => {
    const result = await loadFiles(withFiles({
      'tenants/globex/account.yaml': GLOBEX,
      'tenants/globex/network.yaml': network('web-net', 'globex', '10.1.1.0/24'),
      'tenants/globex/vms.yaml': lines(
        'apiVersion: cairn.dev/v1',
        'kind: VirtualMachine',
        'metadata: { name: web-1, account: globex }',
        'spec: { zone: zone1, serviceOffering: small, template: debian-12, networks: [ { network: web-net, ip: 10.1.1.10 } ] }',
      ),
    }));
    expectIssues(result, []);
  });
});

describe('address.cidr-overlap', () => {
  it("points at the later-declared of two overlapping networks of one account in a zone, naming the other's cidr", async () => {
    const webNet = examplePositionOf(NETWORK, '10.1.1.0/24');
    const result = await loadFiles(withFiles({ 'tenants/acme/wide.yaml': network('wide-net', 'acme', '10.1.0.0/16') }));
    expectOneIssue(result, {
      file: 'tenants/acme/wide.yaml', line: 4, column: 44, rule: 'address.cidr-overlap',
      message: `cidr 10.1.0.0/16 overlaps 10.1.1.0/24 of network web-net (declared at ${NETWORK}:${at(webNet)}); one account's networks in a zone must not overlap`,
    });
  });

  it('points at a network inside the upper half of another', async () => {
    const result = await loadFiles(withFiles({ 'tenants/acme/wide.yaml': network('app-net', 'acme', '10.1.1.128/25') }));
    expectOneIssue(result, { file: 'tenants/acme/wide.yaml', line: 4, column: 44, rule: 'address.cidr-overlap', message: 'cidr 10.1.1.128/25 overlaps 10.1.1.0/24 of network web-net' });
  });

  it('accepts adjacent cidrs', async () => {
    expectIssues(await loadFiles(withFiles({ 'tenants/acme/wide.yaml': network('app-net', 'acme', '10.1.2.0/24') })), []);
  });

  it('is not an error across accounts', async () => {
    const result = await loadFiles(withFiles({ 'tenants/globex/account.yaml': GLOBEX, 'tenants/globex/network.yaml': network('web-net', 'globex', '10.1.1.0/24') }));
    expectIssues(result, []);
  });

  it('is not an error across zones', async () => {
    const result = await loadFiles(withFiles({ 'infrastructure/zone2.yaml': ZONE2, 'tenants/acme/zone2-net.yaml': network('web-net-2', 'acme', '10.1.1.0/24', 'zone2') }));
    expectIssues(result, []);
  });
});

describe('public IP ranges and addresses', () => {
  it('address.range-order: points at the end of a range that ends before it starts', async () => {
    const edit = exampleEdit(ZONE, 'startIp: 192.168.2.2, endIp: 192.168.2.200', 'startIp: 192.168.2.200, endIp: 192.168.2.2');
    expectOneIssue(await loadFiles(edit.files), {
      file: ZONE, ...edit.at('192.168.2.2', 2), rule: 'address.range-order', message: 'public IP range ends (192.168.2.2) before it starts (192.168.2.200)',
    });
  });

  it('address.public-outside: points at a public address outside every range of the zone', async () => {
    const edit = exampleEdit(NETWORK, 'address: auto', 'address: 192.168.3.5');
    expectOneIssue(await loadFiles(edit.files), {
      file: NETWORK, ...edit.at('192.168.3.5'), rule: 'address.public-outside',
      message: 'public IP 192.168.3.5 is not inside any public IP range of zone zone1 (ranges: 192.168.2.2-192.168.2.200)',
    });
  });

  it("address.public-duplicate: points at the second PublicIp with an address, even in another tenant, and names the first", async () => {
    const edit = exampleEdit(NETWORK, 'address: auto', 'address: 192.168.2.10');
    const result = await loadFiles({
      ...edit.files,
      'tenants/globex/account.yaml': GLOBEX,
      'tenants/globex/ip.yaml': lines(
        'apiVersion: cairn.dev/v1',
        'kind: PublicIp',
        'metadata: { name: www, account: globex }',
        'spec:',
        '  zone: zone1',
        '  address: 192.168.2.10',
      ),
    });
    expectOneIssue(result, {
      file: 'tenants/globex/ip.yaml', line: 6, column: 12, rule: 'address.public-duplicate',
      message: `public IP 192.168.2.10 is already taken by PublicIp acme/web-ip (at ${NETWORK}:${at(edit.at('192.168.2.10'))})`,
    });
  });
});
