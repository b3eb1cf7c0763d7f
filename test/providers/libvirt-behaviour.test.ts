/**
 * What the contract suite does not pin down about the libvirt provider, on a private libvirtd:
 * checksums, foreign domains, drift done with virsh, volumes moved between VMs, addresses handed
 * out to VMs created at once, and the network an L2 spec makes.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../providers/errors/conflict-error.js';
import { PermanentError } from '../../providers/errors/permanent-error.js';
import { TransientError } from '../../providers/errors/transient-error.js';
import { LibvirtProvider } from '../../providers/libvirt/libvirt-provider.js';
import { ACME, action, catalog, newProvider, observe, run, seed, vmSpec, useLibvirtSuite } from '../support/libvirt/provider-fixture.js';

const suite = useLibvirtSuite();
afterEach(() => suite.daemon.wipe());

const vm = (name: string, extra: Record<string, unknown> = {}) => action('create', 'VirtualMachine', name, ACME, { spec: vmSpec(extra), placement: { host: 'h1', storage: 'ps1' } });
const seen = async (p: LibvirtProvider, kind: Parameters<typeof action>[1], name: string) => (await observe(p, [kind])).filter((o) => o.name === name);

describe('libvirt provider', () => {
  it('a template whose file does not match its checksum is a PermanentError, and nothing is recorded', async () => {
    const p = newProvider(suite.fixture);
    await seed(p, suite.daemon, suite.fixture);
    const bad = action('create', 'Template', 'bad', undefined, { spec: { url: suite.fixture.template.url, checksum: `sha256:${'a'.repeat(64)}`, format: 'QCOW2', hypervisor: 'KVM' } });
    await expect(run(p, bad)).rejects.toThrow(PermanentError);
    await expect(run(p, bad)).rejects.toThrow(/checksum mismatch .* the file's sha256 is [0-9a-f]{64}/);
    expect(await seen(p, 'Template', 'bad')).toEqual([]);
    await expect(run(p, action('create', 'Template', 'web', undefined, { spec: { url: 'https://example.invalid/t.qcow2', checksum: suite.fixture.template.checksum } }))).rejects.toThrow(/file:\/\/ URLs only/);
  });

  it('a domain defined by hand is observed unmanaged, with its host; cairn refuses to touch it and does not adopt it', async () => {
    const p = newProvider(suite.fixture);
    await seed(p, suite.daemon, suite.fixture);
    suite.daemon.virsh(['define', '@xml'], `<domain type='qemu'><name>acme.intruder</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`);
    const [o] = await seen(p, 'VirtualMachine', 'acme.intruder');
    expect(o).toMatchObject({ managed: false, status: { state: 'Stopped', host: 'h1', memoryMiB: 64 } });
    expect(o!.owner).toBeUndefined();
    await expect(run(p, action('start', 'VirtualMachine', 'intruder', ACME))).rejects.toThrow(ConflictError);
    // A managed VM of that name cannot take the foreign domain's libvirt name.
    await expect(run(p, vm('intruder'))).rejects.toThrow(ConflictError);
    expect(suite.daemon.virsh(['domstate', 'acme.intruder']).trim()).toBe('shut off');
  });

  it('drift by hand is what observe sees next: a destroyed domain is Stopped, an undefined one is gone', async () => {
    const p = newProvider(suite.fixture);
    await seed(p, suite.daemon, suite.fixture);
    await run(p, vm('web'));
    suite.daemon.virsh(['destroy', 'acme.web']);
    const [o] = await seen(p, 'VirtualMachine', 'web');
    expect(o).toMatchObject({ managed: true, spec: { state: 'Running' }, status: { state: 'Stopped' } });
    suite.daemon.virsh(['undefine', 'acme.web']);
    expect(await seen(p, 'VirtualMachine', 'web')).toEqual([]);
    // Created again: the same MAC, so the same DHCP host entry and address.
    const again = await run(p, vm('web'));
    expect(again.status).toMatchObject({ state: 'Running', ips: ['10.0.0.2'] });
    expect(suite.daemon.virsh(['net-dumpxml', 'cairn-net.acme.net1']).match(/<host /g)).toHaveLength(1);
  });

  it('VMs created at once get distinct addresses, the declared one honoured, the gateway skipped', async () => {
    const p = newProvider(suite.fixture);
    await seed(p, suite.daemon, suite.fixture);
    // c declares an address above the two a and b take automatically (.2 and .3, whichever runs
    // first): a declared address the automatic ones could reach first would make this a race.
    const results = await Promise.all([vm('a'), vm('b'), vm('c', { networks: [{ network: 'net1', ip: '10.0.0.9' }] })].map((a) => run(p, a)));
    const ips = results.map((r) => (r.status?.ips as string[])[0]);
    expect(ips[2]).toBe('10.0.0.9');
    expect(new Set(ips).size).toBe(3);
    expect(ips).not.toContain('10.0.0.1');
    await expect(run(p, vm('d', { networks: [{ network: 'net1', ip: '10.0.0.9' }] }))).rejects.toThrow(/10\.0\.0\.9 .* is taken/);
  });

  it('a data volume moves between VMs by update, keeps its file, and is detached before deletion', async () => {
    const p = newProvider(suite.fixture);
    await seed(p, suite.daemon, suite.fixture);
    await run(p, vm('one', { state: 'Stopped' }));
    await run(p, vm('two', { state: 'Stopped' }));
    const vol = { zone: 'z1', diskOffering: 'd1' };
    await run(p, action('create', 'Volume', 'data', ACME, { spec: { ...vol, attachTo: 'one' } }));
    expect(suite.daemon.virsh(['domblklist', 'acme.one'])).toContain('cairn-vol.acme.data.qcow2');
    expect((await seen(p, 'Volume', 'data'))[0]).toMatchObject({ spec: { attachTo: 'one' }, status: { storage: 'ps1', sizeGiB: 1, attachedTo: 'one' } });
    await run(p, action('update', 'Volume', 'data', ACME, { spec: { ...vol, attachTo: 'two' } }));
    expect(suite.daemon.virsh(['domblklist', 'acme.one'])).not.toContain('cairn-vol');
    expect(suite.daemon.virsh(['domblklist', 'acme.two'])).toContain('cairn-vol.acme.data.qcow2');
    await run(p, action('delete', 'Volume', 'data', ACME));
    expect(suite.daemon.virsh(['domblklist', 'acme.two'])).not.toContain('cairn-vol');
    expect(suite.daemon.virsh(['vol-list', '--pool', 'cairn-pool.ps1'])).not.toContain('cairn-vol.acme.data');
  });

  it('an L2 network is a bare bridge; a Shared one has addresses without NAT', async () => {
    const p = newProvider(suite.fixture);
    await seed(p, suite.daemon, suite.fixture);
    await run(p, action('create', 'Network', 'l2', ACME, { spec: { zone: 'z1', type: 'L2' } }));
    await run(p, action('create', 'Network', 'shared', ACME, { spec: { zone: 'z1', type: 'Shared', cidr: '10.7.0.0/24' } }));
    const l2 = suite.daemon.virsh(['net-dumpxml', 'cairn-net.acme.l2']);
    expect(l2).not.toContain('<ip ');
    expect(l2).not.toContain('<forward');
    const shared = suite.daemon.virsh(['net-dumpxml', 'cairn-net.acme.shared']);
    expect(shared).toContain("<ip address='10.7.0.1' netmask='255.255.255.0'>");
    expect(shared).not.toContain('<forward');
    expect((await seen(p, 'Network', 'shared'))[0]?.status).toMatchObject({ gateway: '10.7.0.1', active: true });
  });

  it('a host that cannot be reached is a TransientError; observe never reports its objects as gone', async () => {
    const p = new LibvirtProvider({ stateDir: fs.mkdtempSync(`${suite.fixture.dir}/state-`), catalog });
    await expect(run(p, action('create', 'Host', 'away', undefined, { spec: { cluster: 'c1', url: `qemu+unix:///system?socket=${suite.fixture.dir}/no-such-sock` } }))).rejects.toThrow(TransientError);
    await expect(observe(p)).rejects.toThrow(TransientError);
    await expect(run(p, action('create', 'Host', 'bad', undefined, { spec: { cluster: 'c1', url: 'sim://c1/h1' } }))).rejects.toThrow(/not a libvirt QEMU URI/);
  });
});
