/**
 * End to end on a private libvirtd, as a user drives cairn: the example data center as a one-host
 * KVM variant is applied (running domains, a data volume attached to db-1, a live network with a
 * bridge and fixed addresses, web-1 behind its security group as an nwfilter, a public IP with a
 * firewall rule, a port forward, a load balancer and an egress rule in nftables); a plan after
 * apply is empty; a domain destroyed by hand is started
 * again; a hand-defined domain is reported unmanaged and left alone; a VM removed from git is
 * destroyed with its ROOT disk while its retained DATA volume stays.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairn, commitAll, removeTempDirs, STACK_TRACE, tempDir } from '../support/cli.js';
import { startPrivateLibvirtd, type PrivateLibvirtd } from '../support/libvirt/private-libvirtd.js';
import { makeTinyTemplate } from '../support/libvirt/tiny-template.js';
import { vmsYaml, writeKvmDatacenter } from './kvm-datacenter.js';

let daemon: PrivateLibvirtd;
let repo: string;
let poolDir: string;

beforeAll(async () => {
  daemon = await startPrivateLibvirtd();
  // A guest without an OS never answers ACPI: stop destroys at once.
  process.env.CAIRN_LIBVIRT_SHUTDOWN_TIMEOUT_MS = '0';
  // nft runs where the daemon's networks are: its namespace, never the host's firewall.
  process.env.CAIRN_NFT_NETNS = daemon.netns;
  const base = tempDir('cairn-kvm-');
  repo = path.join(base, 'dc');
  poolDir = path.join(base, 'ps1');
  expect((await cairn(['init', repo], { cwd: base })).code).toBe(0);
  writeKvmDatacenter(repo, { uri: daemon.uri, poolDir, template: makeTinyTemplate(base) });
  await commitAll(repo, 'a one-host KVM data center');
}, 600_000);

afterAll(async () => {
  await daemon?.stop();
  removeTempDirs();
}, 120_000);

const plan = async () => {
  const r = await cairn(['plan', '--json'], { cwd: repo });
  expect(r.stderr).not.toMatch(STACK_TRACE);
  return { code: r.code, plan: JSON.parse(r.stdout) as { actions: { op: string; kind: string; name: string }[]; unmanaged: { kind: string; name: string }[]; errors: unknown[] }, stderr: r.stderr };
};
const apply = async () => {
  const r = await cairn(['apply', '--auto-approve'], { cwd: repo });
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(r.code, `${r.stdout}\n${r.stderr}\n${daemon.log().slice(-2000)}`).toBe(0);
  return r;
};
const domains = () => Object.fromEntries(daemon.virsh(['list', '--all']).split('\n').filter(Boolean).map((l) => { const c = l.trim().split(/\s+/); return [c[1]!, c.slice(2).join(' ')]; }));

describe('a KVM data center applied with cairn', () => {
  it('apply makes running domains, db-1 with its data volume, a live network with fixed addresses; then plan is empty', async () => {
    const first = await plan();
    expect(first.code, JSON.stringify(first.plan.errors)).toBe(2);
    await apply();

    expect(domains()).toEqual({ 'acme.web-1': 'running', 'acme.web-2': 'running', 'acme.db-1': 'running' });
    const disks = daemon.virsh(['domblklist', 'acme.db-1']);
    expect(disks).toMatch(/vda\s+\S+cairn-root\.acme\.db-1\.qcow2/);
    expect(disks).toMatch(/vdb\s+\S+cairn-vol\.acme\.db-1-data\.qcow2/);
    expect(daemon.virsh(['vol-info', '--pool', 'cairn-pool.ps1', 'cairn-vol.acme.db-1-data.qcow2'])).toMatch(/Capacity:\s+1\.00 GiB/);
    // The ROOT disk is an overlay on the template's image.
    expect(daemon.virsh(['vol-dumpxml', '--pool', 'cairn-pool.ps1', 'cairn-root.acme.web-1.qcow2'])).toContain('cairn-template.debian-12');
    // cairn's identity in the domain's metadata, under cairn's namespace (virsh prints it unprefixed).
    const metadata = daemon.virsh(['metadata', 'acme.web-1', '--uri', 'https://cairn.dev/xmlns/libvirt/1']);
    expect(metadata).toMatch(/<kind>VirtualMachine<\/kind>\s*<account>acme<\/account>\s*<name>web-1<\/name>/);

    expect(daemon.virsh(['net-list', '--name']).trim()).toBe('cairn-net.acme.web-net');
    const net = daemon.virsh(['net-dumpxml', 'cairn-net.acme.web-net']);
    expect(net).toMatch(/<forward mode='nat'/);
    expect(net).toMatch(/<ip address='10\.1\.1\.1' netmask='255\.255\.255\.0'>/);
    expect(net).toMatch(/<host mac='52:54:00:[0-9a-f:]+' name='web-1' ip='10\.1\.1\.10'\/>/);
    expect(net).toMatch(/name='db-1' ip='10\.1\.1\.20'/);
    expect(net).toMatch(/name='web-2' ip='10\.1\.1\.2'/);
    const bridge = /<bridge name='(cbr[0-9a-f]{8})'/.exec(net)![1]!;
    expect(daemon.inNetns(['ip', '-o', 'addr', 'show', bridge]).stdout).toContain('10.1.1.1/24');

    // web-1 carries its security group as an nwfilter on its interface, instantiated as iptables rules.
    expect(daemon.virsh(['dumpxml', 'acme.web-1'])).toContain("<filterref filter='cairn-sg.acme.web-sg'/>");
    expect(daemon.virsh(['nwfilter-dumpxml', 'cairn-sg.acme.web-sg'])).toMatch(/<tcp srcipaddr='10\.0\.0\.0' srcipmask='8' dstportstart='22' dstportend='22' comment='cairn in 1'\/>/);
    expect(daemon.inNetns(['iptables-save']).stdout).toMatch(/-s 10\.0\.0\.0\/8 -p tcp -m tcp --dport 22 .*cairn in 1/);

    // web-ip, its firewall rule and web-1's ssh forward in cairn's nftables table.
    const table = daemon.inNetns(['nft', 'list', 'table', 'ip', 'cairn']).stdout;
    expect(table).toMatch(/ip daddr 192\.168\.2\.2 tcp dport 80 ip saddr 0\.0\.0\.0\/0 accept comment "cairn FirewallRule account:acme\/web-http"/);
    expect(table).toMatch(/ip daddr 192\.168\.2\.2 tcp dport 2222 dnat to 10\.1\.1\.10:22/);
    expect(table).toMatch(/tcp dport 80 dnat ip to numgen inc mod 2 map \{ 0 : 10\.1\.1\.10 \. 80, 1 : 10\.1\.1\.2 \. 80 \}/);
    expect(table).toMatch(/iifname "cbr[0-9a-f]{8}" ip daddr 0\.0\.0\.0\/0 accept comment "cairn EgressRule account:acme\/web-out"/);

    const again = await plan();
    expect(again.plan.actions).toEqual([]);
    expect(again.code).toBe(0);
    const status = await cairn(['status', '--json'], { cwd: repo });
    expect(status.code).toBe(0);
    const items = (JSON.parse(status.stdout) as { items: { kind: string; name: string; status: string; observed: { state?: string; host?: string } | null }[] }).items;
    expect(items.filter((i) => i.status !== 'ready')).toEqual([]);
    expect(items.find((i) => i.name === 'db-1')?.observed).toMatchObject({ state: 'Running', host: 'kvm1' });
  });

  it('a domain destroyed by hand is in the plan and started again by apply', async () => {
    daemon.virsh(['destroy', 'acme.web-2']);
    const p = await plan();
    expect(p.code).toBe(2);
    expect(p.plan.actions.map((a) => `${a.op} ${a.kind} ${a.name}`)).toEqual(['start VirtualMachine web-2']);
    await apply();
    expect(domains()['acme.web-2']).toBe('running');
    expect((await plan()).code).toBe(0);
  });

  it('a hand-defined domain is reported unmanaged and left alone', async () => {
    daemon.virsh(['define', '@xml'], `<domain type='${fs.existsSync('/dev/kvm') ? 'kvm' : 'qemu'}'><name>intruder</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`);
    const p = await plan();
    expect(p.code).toBe(0);
    expect(p.plan.unmanaged).toContainEqual(expect.objectContaining({ kind: 'VirtualMachine', name: 'intruder' }));
    await apply();
    expect(domains().intruder).toBe('shut off');
  });

  it('a VM removed from git is destroyed with its ROOT disk; its retained DATA volume stays', async () => {
    fs.writeFileSync(path.join(repo, 'tenants/acme/vms.yaml'), vmsYaml(false));
    await commitAll(repo, 'db-1 goes');
    const p = await plan();
    expect(p.plan.actions.map((a) => `${a.op} ${a.kind} ${a.name}`).sort()).toEqual(['delete VirtualMachine db-1', 'orphan Volume db-1-data']);
    await apply();
    expect(Object.keys(domains()).sort()).toEqual(['acme.web-1', 'acme.web-2', 'intruder']);
    const volumes = daemon.virsh(['vol-list', '--pool', 'cairn-pool.ps1']);
    expect(volumes).not.toContain('cairn-root.acme.db-1.qcow2');
    expect(volumes).toContain('cairn-vol.acme.db-1-data.qcow2');
    expect(fs.existsSync(path.join(poolDir, 'cairn-vol.acme.db-1-data.qcow2'))).toBe(true);
    expect(daemon.virsh(['net-dumpxml', 'cairn-net.acme.web-net'])).not.toContain("name='db-1'");
    const after = await plan();
    expect(after.code).toBe(0);
    expect(after.plan.unmanaged).toContainEqual(expect.objectContaining({ kind: 'Volume', name: 'db-1-data' }));
  });
});
