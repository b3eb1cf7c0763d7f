/**
 * The libvirt provider's pure parts: the XML it writes and reads (round trips, and libvirt's own
 * output as captured from libvirt 9.0), the identity in <metadata>, names, addresses, and how virsh
 * failures are classified.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../providers/errors/conflict-error.js';
import { PermanentError } from '../../providers/errors/permanent-error.js';
import { TransientError } from '../../providers/errors/transient-error.js';
import { classifyVirshError, isNotFound } from '../../providers/libvirt/classify-virsh-error.js';
import { powerState } from '../../providers/libvirt/domain-state.js';
import { VirshError } from '../../providers/libvirt/errors/virsh-error.js';
import { CAIRN_XMLNS, identityElement, readIdentity, type CairnIdentity } from '../../providers/libvirt/identity-metadata.js';
import { lowestFree, parseCidr } from '../../providers/libvirt/ipv4-cidr.js';
import { bridgeName, domainName, nicMac, tenantSegment } from '../../providers/libvirt/naming.js';
import { parseNodeInfo } from '../../providers/libvirt/world-snapshot.js';
import { diskDeviceXml, domainXml, freeDiskTarget, parseDomainXml } from '../../providers/libvirt/xml/domain-xml.js';
import { networkXml, parseNetworkXml } from '../../providers/libvirt/xml/network-xml.js';
import { cairnTableScript, parseCairnTable } from '../../providers/libvirt/nft/cairn-table.js';
import { nftCommandFor } from '../../providers/libvirt/nft/nft-command.js';
import { nwfilterXml, parseNwfilterXml } from '../../providers/libvirt/xml/nwfilter-xml.js';
import { parsePoolXml, parseVolumeXml, volumeXml } from '../../providers/libvirt/xml/storage-xml.js';
import { parseXml, XmlSyntaxError } from '../../providers/libvirt/xml/xml-element.js';

const id: CairnIdentity = { kind: 'VirtualMachine', owner: 'account:acme', name: 'web-1', revision: 'abc123', managed: true, spec: { serviceOffering: 'small', note: 'a <b> & "c"' } };

describe('XML reader', () => {
  it('reads elements, attributes in either quote, entities, comments and the declaration', () => {
    const el = parseXml(`<?xml version="1.0"?><!-- c --><a x='1' y="&lt;2&gt;"><b>t &amp; &#65;&#x42;</b><c/></a>`);
    expect(el).toMatchObject({ name: 'a', attrs: { x: '1', y: '<2>' } });
    expect(el.children.map((c) => c.name)).toEqual(['b', 'c']);
    expect(el.children[0]!.text).toBe('t & AB');
  });

  it('refuses unbalanced and empty documents', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<a>')).toThrow(/not closed/);
    expect(() => parseXml('')).toThrow(/no element/);
    expect(() => parseXml('<a/><b/>')).toThrow(/second root/);
  });
});

describe('identity in <metadata>', () => {
  it('round-trips through a domain definition, secrets of XML escaped', () => {
    const xml = domainXml({ name: 'acme.web-1', type: 'kvm', memoryMiB: 64, vcpus: 1, identity: id, disks: [], nics: [] });
    expect(xml).toContain(`xmlns:cairn="${CAIRN_XMLNS}"`);
    expect(parseDomainXml(xml).identity).toEqual(id);
  });

  it('reads any prefix bound to cairn\'s namespace, and a project owner', () => {
    const el = identityElement({ kind: 'Network', owner: 'project:web', name: 'n', managed: false, spec: {} }).replaceAll('cairn:', 'c:').replace('xmlns:cairn', 'xmlns:c');
    expect(readIdentity(parseXml(`<network><metadata>${el}</metadata></network>`))).toEqual({ kind: 'Network', owner: 'project:web', name: 'n', managed: false, spec: {} });
  });

  it('a domain without it, or with another tool\'s metadata only, is foreign', () => {
    expect(readIdentity(parseXml('<domain><name>x</name></domain>'))).toBeUndefined();
    expect(readIdentity(parseXml('<domain><metadata><o:r xmlns:o="https://other.example/"><o:kind>VirtualMachine</o:kind><o:name>x</o:name></o:r></metadata></domain>'))).toBeUndefined();
  });

  it('a spec edited into invalid JSON reads as empty (drift, rewritten by the next update)', () => {
    const el = identityElement(id).replace(/<cairn:spec>.*<\/cairn:spec>/, '<cairn:spec>{oops</cairn:spec>');
    expect(readIdentity(parseXml(`<domain><metadata>${el}</metadata></domain>`))?.spec).toEqual({});
  });
});

describe('domains', () => {
  it('reads back disks, NICs with their filter, memory and vcpus as written', () => {
    const xml = domainXml({
      name: 'acme.web-1',
      uuid: '0b3ee6c8-1111-2222-3333-444455556666',
      type: 'qemu',
      memoryMiB: 96,
      vcpus: 2,
      identity: id,
      disks: [{ path: '/p/root.qcow2', format: 'qcow2', target: 'vda' }],
      nics: [{ network: 'cairn-net.acme.web', mac: '52:54:00:aa:bb:cc', filter: 'cairn-sg.acme.web' }],
    });
    expect(parseDomainXml(xml)).toMatchObject({
      name: 'acme.web-1',
      uuid: '0b3ee6c8-1111-2222-3333-444455556666',
      type: 'qemu',
      memoryMiB: 96,
      vcpus: 2,
      disks: [{ path: '/p/root.qcow2', format: 'qcow2', target: 'vda' }],
      nics: [{ network: 'cairn-net.acme.web', mac: '52:54:00:aa:bb:cc', filter: 'cairn-sg.acme.web' }],
    });
  });

  it('reads libvirt\'s own output: memory in KiB, cdroms and network-less NICs ignored or kept as they are', () => {
    const d = parseDomainXml(`<domain type='kvm' id='1'><name>x</name><uuid>u</uuid><memory unit='KiB'>65536</memory><vcpu placement='static'>1</vcpu>
      <devices><disk type='file' device='cdrom'><source file='/i.iso'/><target dev='hdc'/></disk>
      <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/d.img'/><target dev='vdb' bus='virtio'/></disk>
      <interface type='user'><mac address='52:54:00:00:00:01'/></interface></devices></domain>`);
    expect(d).toMatchObject({ memoryMiB: 64, vcpus: 1, identity: undefined, disks: [{ path: '/d.img', format: 'raw', target: 'vdb' }], nics: [{ network: '', mac: '52:54:00:00:00:01' }] });
    expect(freeDiskTarget(d.disks)).toBe('vda');
    expect(freeDiskTarget([{ path: '', format: '', target: 'vda' }, { path: '', format: '', target: 'vdb' }])).toBe('vdc');
    expect(diskDeviceXml({ path: "/a'b", format: 'qcow2', target: 'vdb' })).toContain("/a&apos;b");
  });

  it('power states', () => {
    expect(['running', 'idle', 'blocked', 'shut off', 'paused', 'in shutdown', 'crashed', 'pmsuspended'].map(powerState)).toEqual([
      'Running', 'Running', 'Running', 'Stopped', 'Stopped', 'Stopping', 'Error', 'Stopped',
    ]);
  });
});

describe('networks', () => {
  it('isolated: NAT, the gateway on the bridge, DHCP range and fixed hosts round-trip', () => {
    const xml = networkXml({
      name: 'cairn-net.acme.web',
      identity: { ...id, kind: 'Network', name: 'web' },
      bridge: 'cbr12345678',
      nat: true,
      ip: { address: '10.1.1.1', netmask: '255.255.255.0', dhcp: { start: '10.1.1.2', end: '10.1.1.254' }, hosts: [{ mac: '52:54:00:00:00:01', ip: '10.1.1.10', name: 'web-1' }] },
    });
    expect(parseNetworkXml(xml)).toMatchObject({ bridge: 'cbr12345678', forward: 'nat', ip: { address: '10.1.1.1', netmask: '255.255.255.0' }, hosts: [{ mac: '52:54:00:00:00:01', ip: '10.1.1.10', name: 'web-1' }] });
  });

  it('L2: a bare bridge, no forward, no address', () => {
    const n = parseNetworkXml(networkXml({ name: 'n', identity: { ...id, kind: 'Network' }, bridge: 'cbr0', nat: false }));
    expect(n).toMatchObject({ forward: undefined, ip: undefined, hosts: [] });
  });
});

describe('security groups as nwfilters', () => {
  it('the spec round-trips through the filter\'s rules, CIDRs grouped back by rule', () => {
    const rules = {
      ingress: [
        { protocol: 'tcp', ports: '80', cidrs: ['0.0.0.0/0'] },
        { protocol: 'tcp', ports: '8000-8080', cidrs: ['10.0.0.0/8', '192.168.0.0/16'] },
        { protocol: 'icmp', cidrs: ['10.0.0.0/8'] },
      ],
      egress: [{ protocol: 'all', cidrs: ['0.0.0.0/0'] }],
    };
    const xml = nwfilterXml('cairn-sg.acme.web', 'u-1', rules);
    expect(parseNwfilterXml(xml)).toEqual({ name: 'cairn-sg.acme.web', uuid: 'u-1', rules });
    // Ingress denied by default; egress denied only when the group lists egress rules.
    expect(xml).toContain(`<rule action='drop' direction='in' priority='1000'>`);
    expect(xml).toContain(`<rule action='drop' direction='out' priority='1000'>`);
    expect(nwfilterXml('f', undefined, { ingress: [], egress: [] })).toContain(`<rule action='accept' direction='out' priority='900'>`);
  });

  it('libvirt\'s printout reads back the same; rules without cairn\'s comment are ignored', () => {
    const printed = `<filter name='cairn-sg.acme.web' chain='root'>
  <uuid>d990cca2</uuid>
  <rule action='accept' direction='in' priority='500'>
    <tcp srcipaddr='10.0.0.0' srcipmask='8' dstportstart='22' dstportend='22' comment='cairn in 0'/>
  </rule>
  <rule action='accept' direction='in' priority='500'>
    <udp srcipaddr='1.2.3.4' srcipmask='32' comment='someone else'/>
  </rule>
  <rule action='drop' direction='in' priority='1000'>
    <all comment='cairn default'/>
  </rule>
</filter>`;
    expect(parseNwfilterXml(printed).rules).toEqual({ ingress: [{ protocol: 'tcp', ports: '22', cidrs: ['10.0.0.0/8'] }], egress: [] });
  });
});

describe('cairn\'s nftables table', () => {
  it('one atomic script: the table replaced whole, rules tagged with their identity, the default drop last', () => {
    const script = cairnTableScript({
      publicIps: [{ owner: 'account:a', name: 'ip', address: '192.168.2.2' }],
      firewallRules: [{ owner: 'account:a', name: 'fw', address: '192.168.2.2', protocol: 'udp', ports: '53', cidrs: ['10.0.0.0/8', '192.168.0.0/16'] }],
      portForwards: [{ owner: 'account:a', name: 'pf', address: '192.168.2.2', protocol: 'tcp', publicPort: 2222, vmAddress: '10.1.1.10', privatePort: 22 }],
    });
    const lines = script.split('\n');
    expect(lines.slice(0, 2)).toEqual(['table ip cairn', 'delete table ip cairn']);
    expect(script).toContain('ip daddr 192.168.2.2 udp dport 53 ip saddr { 10.0.0.0/8, 192.168.0.0/16 } accept comment "cairn FirewallRule account:a/fw"');
    expect(script).toContain('dnat to 10.1.1.10:22 comment "cairn PortForward account:a/pf"');
    const ingress = lines.findIndex((l) => l.includes('chain ingress'));
    const drop = lines.findIndex((l) => l.includes('@public_ips drop'));
    expect(lines.slice(ingress, drop).filter((l) => l.includes('accept comment'))).toHaveLength(2);
  });

  it('reads nft -j back: the set\'s addresses and each cairn rule\'s expressions by comment', () => {
    const json = JSON.stringify({ nftables: [
      { metainfo: { version: '1.0.6' } },
      { table: { family: 'ip', name: 'cairn' } },
      { set: { family: 'ip', name: 'public_ips', table: 'cairn', type: 'ipv4_addr', elem: ['192.168.2.2'] } },
      { rule: { family: 'ip', table: 'cairn', chain: 'ingress', handle: 4, comment: 'cairn FirewallRule account:a/fw', expr: [{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'daddr' } }, right: '192.168.2.2' } }, { accept: null }] } },
      { rule: { family: 'ip', table: 'cairn', chain: 'ingress', handle: 5, comment: 'cairn default', expr: [{ drop: null }] } },
    ] });
    const seen = parseCairnTable(json);
    expect(seen.publicIps).toEqual(['192.168.2.2']);
    expect([...seen.rules.keys()]).toEqual(['cairn FirewallRule account:a/fw']);
    expect(seen.rules.get('cairn FirewallRule account:a/fw')![0]).toMatch(/^ingress:\[/);
  });

  it('nft runs locally, over ssh for qemu+ssh hosts, or in CAIRN_NFT_NETNS', () => {
    expect(nftCommandFor('qemu:///system', {})).toEqual(['nft']);
    expect(nftCommandFor('qemu+ssh://root@10.0.0.11/system', {})).toEqual(['ssh', '-o', 'BatchMode=yes', 'root@10.0.0.11', 'nft']);
    expect(nftCommandFor('qemu+unix:///system?socket=/s', { CAIRN_NFT_NETNS: 'ns1' })).toEqual(['ip', 'netns', 'exec', 'ns1', 'nft']);
  });
});

describe('storage', () => {
  it('reads a dir pool and a qcow2 overlay as libvirt 9.0 prints them', () => {
    expect(parsePoolXml(`<pool type='dir'><name>p</name><uuid>u</uuid><capacity unit='bytes'>1000</capacity><allocation unit='bytes'>10</allocation><available unit='bytes'>990</available><source></source><target><path>/tmp/p</path></target></pool>`)).toEqual({
      name: 'p', type: 'dir', path: '/tmp/p', capacityBytes: 1000, allocationBytes: 10,
    });
    const v = parseVolumeXml(`<volume type='file'><name>r.qcow2</name><key>/tmp/p/r.qcow2</key><capacity unit='bytes'>1048576</capacity><allocation unit='bytes'>200704</allocation>
      <target><path>/tmp/p/r.qcow2</path><format type='qcow2'/></target><backingStore><path>/tmp/p/base</path><format type='qcow2'/></backingStore></volume>`);
    expect(v).toEqual({ name: 'r.qcow2', path: '/tmp/p/r.qcow2', capacityBytes: 1048576, allocationBytes: 200704, format: 'qcow2', backingPath: '/tmp/p/base' });
    expect(parseVolumeXml(volumeXml({ name: 'd', capacityBytes: 5, format: 'qcow2' }))).toMatchObject({ name: 'd', capacityBytes: 5, format: 'qcow2', backingPath: undefined });
  });

  it('node info', () => {
    expect(parseNodeInfo('CPU model:           x86_64\nCPU(s):              2\nCPU frequency:       2596 MHz\nMemory size:         12282060 KiB\n')).toEqual({ cpuCores: 2, cpuMhz: 2596, memoryMiB: 11994 });
  });
});

describe('names and addresses', () => {
  it('domain names contain the VM name; projects cannot collide with accounts', () => {
    expect(domainName('account:acme', 'web-1')).toBe('acme.web-1');
    expect(tenantSegment('project:acme')).toBe('@acme');
    expect(domainName('project:acme', 'web-1')).not.toBe(domainName('account:acme', 'web-1'));
  });

  it('bridges fit Linux\'s 15 bytes; MACs are stable, locally distinct, QEMU-prefixed', () => {
    expect(bridgeName('account:acme', 'a'.repeat(63)).length).toBeLessThanOrEqual(15);
    expect(nicMac('account:acme', 'web-1', 0)).toBe(nicMac('account:acme', 'web-1', 0));
    expect(nicMac('account:acme', 'web-1', 0)).not.toBe(nicMac('account:acme', 'web-1', 1));
    expect(nicMac('account:acme', 'web-1', 0)).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
  });

  it('the lowest free address skips what is taken, and a full network has none', () => {
    expect(lowestFree(parseCidr('10.0.0.0/29'), new Set(['10.0.0.1', '10.0.0.2']))).toBe('10.0.0.3');
    expect(lowestFree(parseCidr('10.0.0.0/30'), new Set(['10.0.0.1', '10.0.0.2']))).toBeUndefined();
    expect(() => parseCidr('10.0.0.0/31')).toThrow(RangeError);
  });
});

describe('virsh failures', () => {
  const fail = (stderr: string, timedOut = false) => classifyVirshError(new VirshError(['x'], 1, stderr, timedOut));

  it('transient: the daemon away, timeouts, a busy domain', () => {
    for (const s of [
      "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/x/libvirt-sock': Connection refused",
      'error: End of file while reading data: Input/output error',
      'error: Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainCreate)',
    ])
      expect(fail(s)).toBeInstanceOf(TransientError);
    expect(fail('', true)).toBeInstanceOf(TransientError);
  });

  it('conflict: already exists, gone, not valid in this state', () => {
    expect(fail("error: operation failed: domain 'acme.web-1' already exists with uuid 1234")).toBeInstanceOf(ConflictError);
    expect(fail("error: failed to get domain 'nope'")).toBeInstanceOf(ConflictError);
    expect(fail('error: Requested operation is not valid: domain is not running')).toBeInstanceOf(ConflictError);
  });

  it('permanent: invalid XML, a missing image, anything unknown', () => {
    expect(fail("error: XML error: Invalid value for attribute 'type' in element 'graphics': 'none'.")).toBeInstanceOf(PermanentError);
    expect(fail("error: Cannot access storage file '/nope.qcow2': No such file or directory")).toBeInstanceOf(PermanentError);
    expect(fail('error: something new')).toBeInstanceOf(PermanentError);
  });

  it('not found is recognised for every object type', () => {
    for (const s of ["failed to get domain 'x'", "error: Network not found: no network with matching name 'x'", "Storage pool not found: no storage pool with matching name 'p'", "Storage volume not found: no storage vol with matching path"])
      expect(isNotFound(new VirshError([], 1, s))).toBe(true);
    expect(isNotFound(new VirshError([], 1, 'Connection refused'))).toBe(false);
  });
});
