/**
 * The harness every libvirt test stands on: a private libvirtd that defines real domains, pools and
 * networks, and leaves nothing behind (no process, namespace, bridge or folder) once stopped.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivateLibvirtd, type PrivateLibvirtd } from '../support/libvirt/private-libvirtd.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // A zombie is dead for our purpose: the test holds no reaper for daemonised children.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
};

describe('private libvirtd', () => {
  let daemon: PrivateLibvirtd | undefined;
  afterAll(async () => daemon?.stop(), 60_000);

  it('runs a domain, a pool and a network, then stop() leaves nothing behind', async () => {
    daemon = await startPrivateLibvirtd();
    const d = daemon;
    expect(alive(d.libvirtdPid) && alive(d.virtlogdPid)).toBe(true);
    expect(d.virsh(['uri']).trim()).toBe(d.uri);

    const pool = path.join(d.dir, 'pool');
    fs.mkdirSync(pool);
    d.virsh(['pool-create-as', 'probe', 'dir', '--target', pool]);
    d.virsh(['net-create', '@xml'], `<network><name>probe</name><bridge name='cairnprobe0'/><ip address='10.250.0.1' netmask='255.255.255.0'><dhcp><range start='10.250.0.2' end='10.250.0.9'/></dhcp></ip></network>`);
    expect(d.inNetns(['ip', 'link', 'show', 'cairnprobe0']).status).toBe(0);
    // The bridge is inside the daemon's namespace, not on the host.
    expect(spawnSync('ip', ['link', 'show', 'cairnprobe0']).status).not.toBe(0);
    const type = fs.existsSync('/dev/kvm') ? 'kvm' : 'qemu';
    d.virsh(['define', '@xml'], `<domain type='${type}'><name>probe</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices><interface type='network'><source network='probe'/></interface></devices></domain>`);
    d.virsh(['start', 'probe']);
    expect(d.virsh(['domstate', 'probe']).trim()).toBe('running');
    // Defined in the test's folder, not the host's /etc/libvirt.
    expect(fs.existsSync(path.join(d.dir, 'etc/qemu/probe.xml'))).toBe(true);
    expect(fs.existsSync('/etc/libvirt/qemu/probe.xml')).toBe(false);
    const qemuPid = Number(fs.readFileSync(path.join(d.dir, 'run/qemu/probe.pid'), 'utf8'));
    expect(alive(qemuPid)).toBe(true);

    await d.stop();
    for (const pid of [d.libvirtdPid, d.virtlogdPid, qemuPid]) expect(alive(pid), `pid ${pid}`).toBe(false);
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(d.netns);
    expect(fs.existsSync(d.dir)).toBe(false);
  }, 120_000);
});
