/**
 * `npm run bench -- libvirt`: on a private libvirtd, the time to create and start 20 domains
 * through the libvirt provider (each: ROOT overlay, DHCP host entry, define, start; sequential and
 * 4 at a time), against the same 20 done by a plain virsh loop (vol-create, net-update, define,
 * start) in the same run; and the cost of one virsh call, alone and batched.
 */
import fs from 'node:fs';
import { fixedCatalog } from '../../providers/libvirt/catalog.js';
import { LibvirtProvider } from '../../providers/libvirt/libvirt-provider.js';
import { nicMac } from '../../providers/libvirt/naming.js';
import { Virsh } from '../../providers/libvirt/virsh.js';
import { dhcpHostXml } from '../../providers/libvirt/xml/network-xml.js';
import { volumeXml } from '../../providers/libvirt/xml/storage-xml.js';
import type { Action } from '../../reconcilers/action.js';
import { startPrivateLibvirtd } from '../support/libvirt/private-libvirtd.js';
import { ACME, action, newFixture, seed, vmSpec } from '../support/libvirt/provider-fixture.js';

export const description = 'libvirt provider on a private libvirtd: create+start 20 domains vs a plain virsh loop, per-call overhead';
export const usage = 'npm run bench -- libvirt [--count N]';

const signal = new AbortController().signal;

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const i = args.indexOf('--count');
  const count = i >= 0 ? Number(args[i + 1]) : 20;
  const daemon = await startPrivateLibvirtd();
  const fixture = newFixture();
  try {
    const catalog = fixedCatalog([{ kind: 'ServiceOffering', name: 'tiny', spec: { cpuCores: 1, memoryMiB: 64 } }]);
    // Each phase starts from a wiped daemon and a new ledger: no running domain of an earlier phase
    // competes for the 2 cores.
    const fresh = async () => {
      daemon.wipe();
      const p = new LibvirtProvider({ stateDir: fs.mkdtempSync(`${fixture.dir}/state-`), catalog, shutdownTimeoutMs: 0 });
      await seed(p, daemon, fixture);
      return p;
    };
    const create = (n: string): Action => action('create', 'VirtualMachine', n, ACME, { spec: vmSpec(), placement: { host: 'h1', storage: 'ps1' } });
    const virsh = new Virsh({ uri: daemon.uri });
    const time = async (fn: () => Promise<void>) => {
      const t = performance.now();
      await fn();
      return performance.now() - t;
    };

    // The same work by hand: overlay, DHCP host, define, start; no reads.
    await fresh();
    const pool = 'cairn-pool.ps1';
    const base = `${/<path>([^<]+)<\/path>/.exec(daemon.virsh(['pool-dumpxml', pool]))![1]}/cairn-template.t1`;
    const type = fs.existsSync('/dev/kvm') ? 'kvm' : 'qemu';
    process.stderr.write(`[libvirt] plain virsh loop: ${count} VMs\n`);
    const loop = await time(async () => {
      for (let k = 0; k < count; k++) {
        const name = `plain-${k}`;
        const disk = `plain-${k}.qcow2`;
        await virsh.run(['vol-create', pool, '@xml'], signal, volumeXml({ name: disk, capacityBytes: 1 << 20, format: 'qcow2', backing: { path: base, format: 'qcow2' } }));
        const mac = nicMac('bench', name, 0);
        await virsh.run(['net-update', 'cairn-net.acme.net1', 'add-last', 'ip-dhcp-host', '@xml', '--config', '--live'], signal, dhcpHostXml({ mac, ip: `10.0.0.${150 + k}` }));
        await virsh.run(['define', '@xml'], signal, `<domain type='${type}'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${base.replace('cairn-template.t1', disk)}'/><target dev='vda' bus='virtio'/></disk><interface type='network'><source network='cairn-net.acme.net1'/><mac address='${mac}'/><model type='virtio'/></interface></devices></domain>`);
        await virsh.run(['start', name], signal);
      }
    });

    const p = await fresh();
    process.stderr.write(`[libvirt] provider: ${count} VMs one after the other\n`);
    const sequential = await time(async () => {
      for (let k = 0; k < count; k++) await p.apply(create(`seq-${k}`), signal);
    });
    const observeMs = await time(async () => void (await p.observe({}, signal)));

    const p2 = await fresh();
    process.stderr.write(`[libvirt] provider: ${count} VMs, 4 at a time\n`);
    const parallel = await time(async () => {
      let next = 0;
      await Promise.all(Array.from({ length: 4 }, async () => { while (next < count) await p2.apply(create(`par-${next++}`), signal); }));
    });
    daemon.wipe();

    const calls = 40;
    const single = await time(async () => {
      for (let k = 0; k < calls; k++) await virsh.run(['nodeinfo'], signal);
    });
    const batched = await time(async () => void (await virsh.batch(Array.from({ length: calls }, () => ['nodeinfo']), signal)));
    const figures = {
      domains: count,
      providerSequentialS: +(sequential / 1000).toFixed(2),
      providerPerVmMs: Math.round(sequential / count),
      providerParallel4S: +(parallel / 1000).toFixed(2),
      plainVirshLoopS: +(loop / 1000).toFixed(2),
      plainVirshPerVmMs: Math.round(loop / count),
      providerOverPlain: +(sequential / loop).toFixed(2),
      virshCallMs: +(single / calls).toFixed(1),
      virshBatchedCallMs: +(batched / calls).toFixed(1),
      observeWithDomainsMs: Math.round(observeMs),
    };
    return figures;
  } finally {
    await daemon.stop();
    fs.rmSync(fixture.dir, { recursive: true, force: true });
  }
}
