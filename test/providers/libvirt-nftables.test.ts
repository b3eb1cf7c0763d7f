/**
 * PublicIp, FirewallRule, PortForward, LoadBalancer and EgressRule as cairn's nftables table, inside the network namespace of
 * a private libvirtd (never the host's firewall), observed back with `nft -j`: created, changed,
 * edited by hand (then no longer observed, and put back by the next create), deleted.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixedCatalog } from '../../providers/libvirt/catalog.js';
import { LibvirtProvider } from '../../providers/libvirt/libvirt-provider.js';
import { ACME, action, observe, run, seed, vmSpec, useLibvirtSuite } from '../support/libvirt/provider-fixture.js';

const suite = useLibvirtSuite();

const catalog = fixedCatalog([
  { kind: 'ServiceOffering', name: 'tiny', spec: { cpuCores: 1, memoryMiB: 64 } },
  { kind: 'Zone', name: 'z1', spec: { publicIpRanges: [{ startIp: '192.168.2.2', endIp: '192.168.2.3', netmask: '255.255.255.0', gateway: '192.168.2.1' }] } },
]);
const nft = (...args: string[]) => suite.daemon.inNetns(['nft', ...args]);

describe('nftables rules of the libvirt provider', () => {
  it('public IPs, firewall rules and port forwards land in cairn\'s table and are observed back', async () => {
    const p = new LibvirtProvider({ stateDir: fs.mkdtempSync(`${suite.fixture.dir}/state-`), catalog, shutdownTimeoutMs: 0, nftCommand: () => ['ip', 'netns', 'exec', suite.daemon.netns, 'nft'] });
    await seed(p, suite.daemon, suite.fixture);
    await run(p, action('create', 'VirtualMachine', 'web-1', ACME, { spec: vmSpec({ networks: [{ network: 'net1', ip: '10.0.0.10' }] }), placement: { host: 'h1', storage: 'ps1' } }));

    const ip = await run(p, action('create', 'PublicIp', 'web-ip', ACME, { spec: { zone: 'z1', network: 'net1', address: 'auto' } }));
    expect(ip.status).toEqual({ address: '192.168.2.2' });
    await run(p, action('create', 'FirewallRule', 'web-http', ACME, { spec: { publicIp: 'web-ip', protocol: 'tcp', ports: '80', cidrs: ['0.0.0.0/0'] } }));
    const pf = { publicIp: 'web-ip', protocol: 'tcp', publicPort: 2222, vm: 'web-1', privatePort: 22 };
    await run(p, action('create', 'PortForward', 'web-1-ssh', ACME, { spec: pf }));

    const listed = nft('list', 'table', 'ip', 'cairn').stdout;
    expect(listed).toMatch(/elements = \{ 192\.168\.2\.2 \}/);
    expect(listed).toMatch(/ip daddr 192\.168\.2\.2 tcp dport 80 ip saddr 0\.0\.0\.0\/0 accept comment "cairn FirewallRule account:acme\/web-http"/);
    expect(listed).toMatch(/ip daddr 192\.168\.2\.2 tcp dport 2222 dnat to 10\.0\.0\.10:22 comment "cairn PortForward account:acme\/web-1-ssh"/);
    expect(listed).toMatch(/ip daddr @public_ips drop/);
    // Nothing on the host's own firewall.
    expect(spawnSync('nft', ['list', 'table', 'ip', 'cairn'], { encoding: 'utf8' }).status).not.toBe(0);

    const seen = (await observe(p, ['PublicIp', 'FirewallRule', 'PortForward'])).map((o) => `${o.kind} ${o.name} ${o.managed}`);
    expect(seen.sort()).toEqual(['FirewallRule web-http true', 'PortForward web-1-ssh true', 'PublicIp web-ip true']);
    const second = await run(p, action('create', 'PublicIp', 'web-ip', ACME, { spec: { zone: 'z1', network: 'net1', address: 'auto' } }));
    expect(second).toMatchObject({ adopted: true, status: { address: '192.168.2.2' } });

    // Edited by hand: the rule no longer reads as cairn wrote it, so it is not observed; create puts it back.
    const handle = /tcp dport 80 .*# handle (\d+)/.exec(nft('-a', 'list', 'chain', 'ip', 'cairn', 'ingress').stdout)![1]!;
    nft('replace', 'rule', 'ip', 'cairn', 'ingress', 'handle', handle, 'ip', 'daddr', '192.168.2.2', 'tcp', 'dport', '81', 'accept', 'comment', '"cairn FirewallRule account:acme/web-http"');
    expect((await observe(p, ['FirewallRule'])).map((o) => o.name)).toEqual([]);
    await run(p, action('create', 'FirewallRule', 'web-http', ACME, { spec: { publicIp: 'web-ip', protocol: 'tcp', ports: '80', cidrs: ['0.0.0.0/0'] } }));
    expect((await observe(p, ['FirewallRule'])).map((o) => o.name)).toEqual(['web-http']);

    await run(p, action('update', 'FirewallRule', 'web-http', ACME, { spec: { publicIp: 'web-ip', protocol: 'tcp', ports: '8000-8080', cidrs: ['10.0.0.0/8'] } }));
    expect(nft('list', 'chain', 'ip', 'cairn', 'ingress').stdout).toMatch(/tcp dport 8000-8080 ip saddr 10\.0\.0\.0\/8 accept/);
    expect((await observe(p, ['FirewallRule']))[0]?.spec).toMatchObject({ ports: '8000-8080' });

    // A load balancer over two VMs (round robin), and an egress rule on the VMs' network.
    await run(p, action('create', 'VirtualMachine', 'web-2', ACME, { spec: vmSpec({ networks: [{ network: 'net1', ip: '10.0.0.11' }] }), placement: { host: 'h1', storage: 'ps1' } }));
    await run(p, action('create', 'LoadBalancer', 'web-lb', ACME, { spec: { publicIp: 'web-ip', protocol: 'tcp', publicPort: 80, privatePort: 8080, algorithm: 'roundrobin', vms: ['web-2', 'web-1'] } }));
    await run(p, action('create', 'EgressRule', 'web-out', ACME, { spec: { network: 'net1', protocol: 'tcp', ports: '443', cidrs: ['0.0.0.0/0'] } }));
    const nat = nft('list', 'chain', 'ip', 'cairn', 'port_forwards').stdout;
    expect(nat).toMatch(/tcp dport 80 dnat ip to numgen inc mod 2 map \{ 0 : 10\.0\.0\.10 \. 8080, 1 : 10\.0\.0\.11 \. 8080 \}/);
    const bridge = /<bridge name='(cbr[0-9a-f]+)'/.exec(suite.daemon.virsh(['net-dumpxml', 'cairn-net.acme.net1']))![1]!;
    const egress = nft('list', 'chain', 'ip', 'cairn', 'egress').stdout;
    expect(egress).toContain(`iifname "${bridge}" ip daddr 0.0.0.0/0 tcp dport 443 accept comment "cairn EgressRule account:acme/web-out"`);
    expect(egress).toContain(`iifname "${bridge}" drop`);
    expect((await observe(p, ['LoadBalancer', 'EgressRule'])).map((o) => o.name).sort()).toEqual(['web-lb', 'web-out']);
    await expect(run(p, action('update', 'LoadBalancer', 'web-lb', ACME, { spec: { publicIp: 'web-ip', publicPort: 80, privatePort: 8080, algorithm: 'leastconn', vms: ['web-1'] } }))).rejects.toThrow(/leastconn/);

    for (const [kind, name] of [['EgressRule', 'web-out'], ['LoadBalancer', 'web-lb'], ['PortForward', 'web-1-ssh'], ['FirewallRule', 'web-http'], ['PublicIp', 'web-ip']] as const) await run(p, action('delete', kind, name, ACME));
    await run(p, action('delete', 'PublicIp', 'web-ip', ACME));
    const empty = nft('list', 'table', 'ip', 'cairn').stdout;
    expect(empty).not.toMatch(/comment "cairn (FirewallRule|PortForward|LoadBalancer|EgressRule)/);
    expect(empty).not.toContain('192.168.2.2');
    expect(await observe(p, ['PublicIp', 'FirewallRule', 'PortForward', 'LoadBalancer', 'EgressRule'])).toEqual([]);
    suite.daemon.wipe();
  });

  it('a rule on a public IP that does not exist is a ConflictError; the last public address taken is a PermanentError', async () => {
    const p = new LibvirtProvider({ stateDir: fs.mkdtempSync(`${suite.fixture.dir}/state-`), catalog, shutdownTimeoutMs: 0, nftCommand: () => ['ip', 'netns', 'exec', suite.daemon.netns, 'nft'] });
    await seed(p, suite.daemon, suite.fixture);
    await expect(run(p, action('create', 'FirewallRule', 'r', ACME, { spec: { publicIp: 'nope', protocol: 'tcp', ports: '80', cidrs: ['0.0.0.0/0'] } }))).rejects.toThrow(/public IP nope is not in the world/);
    await run(p, action('create', 'PublicIp', 'a', ACME, { spec: { zone: 'z1', address: 'auto' } }));
    await run(p, action('create', 'PublicIp', 'b', ACME, { spec: { zone: 'z1', address: 'auto' } }));
    await expect(run(p, action('create', 'PublicIp', 'c', ACME, { spec: { zone: 'z1', address: 'auto' } }))).rejects.toThrow(/no free public address/);
    suite.daemon.wipe();
  });
});
