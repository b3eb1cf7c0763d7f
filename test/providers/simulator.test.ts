import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../providers/errors/conflict-error.js';
import { PermanentError } from '../../providers/errors/permanent-error.js';
import { TransientError } from '../../providers/errors/transient-error.js';
import { addForeignVm, deleteFirewallRule, deleteVm, detachVolume, stopVm } from '../../providers/simulator/drift.js';
import { SimulatorConfigError } from '../../providers/simulator/errors/simulator-config-error.js';
import { SimulatorTargetError } from '../../providers/simulator/errors/simulator-target-error.js';
import { clearFaults, readFaults, setFaults, setHostDown } from '../../providers/simulator/faults.js';
import { seededRandom } from '../../providers/simulator/seeded-random.js';
import { createSimulatorProvider, type SimulatorProvider } from '../../providers/simulator/simulator-provider.js';
import { closeSimulatorWorlds } from '../../providers/simulator/world-store.js';
import { contractAction, providerContract } from './contract.js';
import { ACME, action, create, newSimulator, observed, removeStateDirs, run, seed, stateDir, vmSpec } from './simulator-fixture.js';

afterAll(async () => {
  await closeSimulatorWorlds();
  removeStateDirs();
});

providerContract('simulator', () => newSimulator(), {
  prepare: (p) => seed(p),
  subjects: [
    {
      kind: 'SecurityGroup',
      name: 'sg-contract',
      owner: ACME,
      spec: { ingress: [{ protocol: 'tcp', ports: '22', cidrs: ['10.0.0.0/8'] }] },
      updatedSpec: { ingress: [{ protocol: 'tcp', ports: '443', cidrs: ['0.0.0.0/0'] }], egress: [{ protocol: 'all', cidrs: ['0.0.0.0/0'] }] },
    },
    { kind: 'Volume', name: 'vol-contract', owner: ACME, spec: { zone: 'z1', sizeGiB: 5 }, updatedSpec: { zone: 'z1', sizeGiB: 8 } },
    { kind: 'ServiceOffering', name: 'so-contract', spec: { cpuCores: 2, cpuMhz: 1000, memoryMiB: 512 }, updatedSpec: { cpuCores: 2, cpuMhz: 1000, memoryMiB: 512, ha: true } },
    { kind: 'VirtualMachine', name: 'vm-contract', owner: ACME, spec: vmSpec(), updatedSpec: vmSpec({ displayName: 'Contract VM' }) },
  ],
  powerSubject: { kind: 'VirtualMachine', name: 'vm-power', owner: ACME, spec: vmSpec(), updatedSpec: vmSpec() },
  injectFaults: async (p, f) => void (await setFaults((p as SimulatorProvider).world, f)),
  clearFaults: (p) => clearFaults((p as SimulatorProvider).world),
  invalidActions: [
    action('create', { kind: 'VirtualMachine', name: 'vm-nowhere', owner: ACME, spec: vmSpec() }, { placement: { host: 'no-such-host' } }),
    action('create', { kind: 'VirtualMachine', name: 'vm-too-big', owner: ACME, spec: vmSpec({ serviceOffering: 'large' }) }, { placement: { host: 'h2' } }),
    action('create', { kind: 'VirtualMachine', name: 'vm-no-net', owner: ACME, spec: vmSpec({ networks: [{ network: 'missing' }] }) }),
    action('start', { kind: 'Zone', name: 'z1' }),
  ],
  dispose: () => closeSimulatorWorlds(),
});

describe('simulator', () => {
  afterEach(() => closeSimulatorWorlds());

  describe('persistence', () => {
    it('a second provider on the same state folder, after the first is closed, sees the same world', async () => {
      const dir = stateDir();
      const a = createSimulatorProvider({ stateDir: dir, latencyMs: 0, env: {} });
      await seed(a);
      const vm = await create(a, { kind: 'VirtualMachine', name: 'web-1', owner: ACME, spec: vmSpec() });
      await closeSimulatorWorlds();
      const b = createSimulatorProvider({ stateDir: dir, latencyMs: 0, env: {} });
      const seen = await observed(b, 'VirtualMachine', 'web-1', ACME);
      expect(seen).toMatchObject({ externalId: vm.externalId, managed: true, status: { state: 'Running', host: 'h1', ips: ['10.0.0.2'] } });
      // Allocation goes on where it stopped: the next VM gets the next address.
      await create(b, { kind: 'VirtualMachine', name: 'web-2', owner: ACME, spec: vmSpec() });
      expect((await observed(b, 'VirtualMachine', 'web-2', ACME))?.status.ips).toEqual(['10.0.0.3']);
    });

    it('another process sees the world, and a fault it sets affects this one', async () => {
      const dir = stateDir();
      const p = createSimulatorProvider({ stateDir: dir, latencyMs: 0, env: {} });
      await seed(p);
      const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
      const script = `
        const { createSimulatorProvider } = await import(${JSON.stringify(path.join(root, 'providers/simulator/simulator-provider.ts'))});
        const { setFaults } = await import(${JSON.stringify(path.join(root, 'providers/simulator/faults.ts'))});
        const p = createSimulatorProvider({ stateDir: ${JSON.stringify(dir)}, latencyMs: 0, env: {} });
        const hosts = (await p.observe({ kinds: ['Host'] }, new AbortController().signal)).map((o) => o.name);
        await setFaults(p.world, { errorRate: 1 });
        console.log(JSON.stringify(hosts));`;
      const out = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', path.join(root, 'node_modules/tsx/dist/esm/index.mjs'), '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        let err = '';
        child.stdout.on('data', (d) => (text += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`child exited ${code}: ${err}`))));
      });
      expect(JSON.parse(out)).toEqual(['h1', 'h2', 'h3']);
      expect(readFaults(p.world).errorRate).toBe(1);
      await expect(create(p, { kind: 'AffinityGroup', name: 'ag', owner: ACME, spec: { type: 'host-anti-affinity' } })).rejects.toBeInstanceOf(TransientError);
    });
  });

  describe('placement and capacity', () => {
    it('honours placement.host and accounts what running VMs use on it', async () => {
      const p = newSimulator();
      await seed(p);
      const r = await create(p, { kind: 'VirtualMachine', name: 'web-1', owner: ACME, spec: vmSpec() }, { placement: { host: 'h3' } });
      expect(r.status).toMatchObject({ state: 'Running', host: 'h3', rootVolume: { storage: 'ps2', sizeGiB: 2 } });
      const h3 = await observed(p, 'Host', 'h3');
      expect(h3?.status).toMatchObject({
        state: 'Up',
        allocationState: 'Enabled',
        used: { vms: 1, cpuCores: 1, cpuMhz: 1000, memoryMiB: 1024 },
        capacity: { totalCpuMhz: 8000, totalMemoryMiB: 8192, overcommit: { cpu: 1, memory: 1 } },
      });
      expect((await observed(p, 'PrimaryStorage', 'ps2'))?.status).toMatchObject({ usedGiB: 2, capacityGiB: 100 });
    });

    it('refuses a host without room with a PermanentError naming the host and what is short; stopped VMs hold nothing', async () => {
      const p = newSimulator();
      await seed(p);
      // h2: 2 cores x 1000 MHz, CPU overcommit 2 -> 4000 MHz, 2048 MiB: two small VMs fill its memory.
      await create(p, { kind: 'VirtualMachine', name: 'a', owner: ACME, spec: vmSpec() }, { placement: { host: 'h2' } });
      const b = await create(p, { kind: 'VirtualMachine', name: 'b', owner: ACME, spec: vmSpec() }, { placement: { host: 'h2' } });
      const third = create(p, { kind: 'VirtualMachine', name: 'c', owner: ACME, spec: vmSpec() }, { placement: { host: 'h2' } });
      await expect(third).rejects.toBeInstanceOf(PermanentError);
      await expect(third).rejects.toThrow(/host h2 lacks capacity: memory: needs 1024 MiB, 0 MiB free of 2048/);
      expect(await observed(p, 'VirtualMachine', 'c', ACME)).toBeUndefined();
      await run(p, action('stop', { kind: 'VirtualMachine', name: 'b', owner: ACME }, { externalId: b.externalId }));
      await create(p, { kind: 'VirtualMachine', name: 'c', owner: ACME, spec: vmSpec() }, { placement: { host: 'h2' } });
      // b cannot start again on h2 now; without a placement it goes to the first host with room.
      const restarted = await run(p, action('start', { kind: 'VirtualMachine', name: 'b', owner: ACME }, { externalId: b.externalId }));
      expect(restarted.status).toMatchObject({ state: 'Running', host: 'h1' });
      await expect(create(p, { kind: 'VirtualMachine', name: 'big', owner: ACME, spec: vmSpec({ serviceOffering: 'large' }) }, { placement: { host: 'h2' } })).rejects.toThrow(
        /host h2 lacks capacity: needs 4 cores, the host has 2/,
      );
    });

    it('honours the cluster CPU overcommit', async () => {
      const p = newSimulator();
      await seed(p);
      // h1: 4 x 2000 MHz x overcommit 2 = 16000 MHz; "large" is 8000 MHz: two fit by CPU (memory 8192 too), a third does not.
      await create(p, { kind: 'VirtualMachine', name: 'l1', owner: ACME, spec: vmSpec({ serviceOffering: 'large' }) }, { placement: { host: 'h1' } });
      await create(p, { kind: 'VirtualMachine', name: 'l2', owner: ACME, spec: vmSpec({ serviceOffering: 'large' }) }, { placement: { host: 'h1' } });
      expect((await observed(p, 'Host', 'h1'))?.status.used).toMatchObject({ cpuMhz: 16000, memoryMiB: 8192 });
      await expect(create(p, { kind: 'VirtualMachine', name: 'l3', owner: ACME, spec: vmSpec({ serviceOffering: 'large' }) }, { placement: { host: 'h1' } })).rejects.toThrow(
        /CPU: needs 8000 MHz, 0 MHz free of 16000 \(overcommit 2\)/,
      );
    });

    it('a host taken down refuses placement and starts; back up, it takes them again', async () => {
      const p = newSimulator();
      await seed(p);
      await setHostDown(p.world, 'h3', true);
      expect((await observed(p, 'Host', 'h3'))?.status.state).toBe('Down');
      await expect(create(p, { kind: 'VirtualMachine', name: 'v', owner: ACME, spec: vmSpec() }, { placement: { host: 'h3' } })).rejects.toThrow(/host h3 is Down/);
      await setHostDown(p.world, 'h3', false);
      await create(p, { kind: 'VirtualMachine', name: 'v', owner: ACME, spec: vmSpec() }, { placement: { host: 'h3' } });
      await expect(setHostDown(p.world, 'h9', true)).rejects.toBeInstanceOf(SimulatorTargetError);
    });

    it('a host in Maintenance or Disabled (its spec.state) refuses placement', async () => {
      const p = newSimulator();
      await seed(p);
      const h3 = await observed(p, 'Host', 'h3');
      await run(p, action('update', { kind: 'Host', name: 'h3', spec: { ...h3!.spec, state: 'Maintenance' } }, { externalId: h3!.externalId }));
      await expect(create(p, { kind: 'VirtualMachine', name: 'v', owner: ACME, spec: vmSpec() }, { placement: { host: 'h3' } })).rejects.toThrow(/host h3 is Maintenance/);
      await run(p, action('update', { kind: 'Host', name: 'h3', spec: { ...h3!.spec, state: 'Disabled' } }, { externalId: h3!.externalId }));
      await expect(create(p, { kind: 'VirtualMachine', name: 'v', owner: ACME, spec: vmSpec() }, { placement: { host: 'h3' } })).rejects.toThrow(/host h3 is Disabled for allocation/);
    });

    it('a host with VMs cannot be deleted, and a VM of a zone the host is not in is refused', async () => {
      const p = newSimulator();
      await seed(p);
      await create(p, { kind: 'VirtualMachine', name: 'v', owner: ACME, spec: vmSpec() }, { placement: { host: 'h1' } });
      await expect(run(p, action('delete', { kind: 'Host', name: 'h1' }))).rejects.toBeInstanceOf(ConflictError);
      await create(p, { kind: 'Zone', name: 'z2', spec: { networkType: 'Basic' } });
      await create(p, { kind: 'Template', name: 't2', spec: { url: 'sim://t2', format: 'QCOW2', hypervisor: 'Simulator' } });
      await create(p, { kind: 'Network', name: 'n2', owner: ACME, spec: { zone: 'z2', type: 'L2', vlan: 5 } });
      const wrongZone = create(p, { kind: 'VirtualMachine', name: 'w', owner: ACME, spec: vmSpec({ zone: 'z2', template: 't2', networks: [{ network: 'n2' }] }) }, { placement: { host: 'h1' } });
      await expect(wrongZone).rejects.toThrow(/host h1 is in zone z1, not z2/);
    });
  });

  describe('allocation', () => {
    it('guest addresses: explicit or placed ones honoured, the rest from .2 up skipping the gateway, never twice, freed on delete', async () => {
      const p = newSimulator();
      await seed(p);
      const vm = (name: string, extra: Record<string, unknown> = {}, placement?: Record<string, unknown>) =>
        create(p, { kind: 'VirtualMachine', name, owner: ACME, spec: vmSpec({ state: 'Stopped', ...extra }) }, placement ? { placement } : {});
      expect((await vm('a')).status?.ips).toEqual(['10.0.0.2']);
      expect((await vm('b', { networks: [{ network: 'net1', ip: '10.0.0.4' }] })).status?.ips).toEqual(['10.0.0.4']);
      expect((await vm('c')).status?.ips).toEqual(['10.0.0.3']);
      expect((await vm('d')).status?.ips).toEqual(['10.0.0.5']);
      expect((await vm('e', {}, { ips: ['10.0.0.6'] })).status?.ips).toEqual(['10.0.0.6']);
      await expect(vm('f', { networks: [{ network: 'net1', ip: '10.0.0.4' }] })).rejects.toBeInstanceOf(ConflictError);
      await expect(vm('f', { networks: [{ network: 'net1', ip: '10.0.0.1' }] })).rejects.toThrow(/gateway/);
      await expect(vm('f', { networks: [{ network: 'net1', ip: '10.0.1.9' }] })).rejects.toThrow(/not a usable address/);
      await expect(vm('f')).rejects.toThrow(/net1 \(10.0.0.0\/29\) has no free address/);
      await run(p, action('delete', { kind: 'VirtualMachine', name: 'a', owner: ACME }));
      expect((await vm('f')).status?.ips).toEqual(['10.0.0.2']);
      // A network whose gateway is not .1: the gateway is skipped, .1 is never handed out.
      await create(p, { kind: 'Network', name: 'net2', owner: ACME, spec: { zone: 'z1', type: 'Isolated', cidr: '10.0.1.0/29', gateway: '10.0.1.3' } });
      const twoNics = await vm('g', { networks: [{ network: 'net2' }, { network: 'net2' }] });
      expect(twoNics.status?.ips).toEqual(['10.0.1.2', '10.0.1.4']);
      expect(twoNics.status?.nics).toMatchObject([{ network: 'net2', mac: expect.stringMatching(/^02:00:/) }, { network: 'net2' }]);
    });

    it('changing a NIC address in place releases the old one; the MAC of an unchanged NIC is kept', async () => {
      const p = newSimulator();
      await seed(p);
      const r = await create(p, { kind: 'VirtualMachine', name: 'a', owner: ACME, spec: vmSpec({ networks: [{ network: 'net1', ip: '10.0.0.5' }] }) });
      const mac = r.status?.mac;
      const u = await run(p, action('update', { kind: 'VirtualMachine', name: 'a', owner: ACME, spec: vmSpec({ networks: [{ network: 'net1', ip: '10.0.0.6' }] }) }, { externalId: r.externalId }));
      expect(u.status).toMatchObject({ ips: ['10.0.0.6'] });
      expect(u.status?.mac).not.toBe(mac);
      const same = await run(p, action('update', { kind: 'VirtualMachine', name: 'a', owner: ACME, spec: vmSpec({ networks: [{ network: 'net1', ip: '10.0.0.6' }], displayName: 'A' }) }, { externalId: r.externalId }));
      expect(same.status?.mac).toBe(u.status?.mac);
      expect((await create(p, { kind: 'VirtualMachine', name: 'b', owner: ACME, spec: vmSpec({ networks: [{ network: 'net1', ip: '10.0.0.5' }] }) })).status?.ips).toEqual(['10.0.0.5']);
    });

    it('guest VLANs: spec or placement honoured, else the lowest free of the zone range; exhaustion is a PermanentError; freed on delete', async () => {
      const p = newSimulator();
      await seed(p); // net1 took 100
      const net = (name: string, spec: Record<string, unknown> = {}, placement?: Record<string, unknown>) =>
        create(p, { kind: 'Network', name, owner: ACME, spec: { zone: 'z1', type: 'L2', ...spec } }, placement ? { placement } : {});
      expect((await observed(p, 'Network', 'net1', ACME))?.status).toMatchObject({ vlan: 100, cidr: '10.0.0.0/29', gateway: '10.0.0.1' });
      expect((await net('a', { vlan: 102 })).status?.vlan).toBe(102);
      expect((await net('b')).status?.vlan).toBe(101);
      await expect(net('c')).rejects.toThrow(/zone z1 has no free guest VLAN in 100-102/);
      await expect(net('c', { vlan: 101 })).rejects.toBeInstanceOf(ConflictError);
      await expect(net('c', { vlan: 7 })).rejects.toThrow(/outside zone z1's guest VLAN range 100-102/);
      await run(p, action('delete', { kind: 'Network', name: 'b', owner: ACME }));
      expect((await net('c', {}, { vlan: 101 })).status?.vlan).toBe(101);
    });

    it('public addresses: the lowest free of the zone ranges, explicit ones inside them, never twice', async () => {
      const p = newSimulator();
      await seed(p);
      const ip = (name: string, address?: string) => create(p, { kind: 'PublicIp', name, owner: ACME, spec: { zone: 'z1', network: 'net1', address: address ?? 'auto' } });
      expect((await ip('a')).status).toMatchObject({ address: '192.168.2.2', vlan: 50, gateway: '192.168.2.1' });
      expect((await ip('b', '192.168.2.4')).status?.address).toBe('192.168.2.4');
      expect((await ip('c')).status?.address).toBe('192.168.2.3');
      await expect(ip('d')).rejects.toThrow(/no free public address/);
      await expect(ip('d', '192.168.2.3')).rejects.toBeInstanceOf(ConflictError);
      await expect(ip('d', '10.9.9.9')).rejects.toThrow(/not inside zone z1's public IP ranges/);
    });

    it('is deterministic: the same calls on two worlds give the same ids, addresses, VLANs and MACs', async () => {
      const runOnce = async () => {
        const p = newSimulator();
        await seed(p);
        await create(p, { kind: 'VirtualMachine', name: 'a', owner: ACME, spec: vmSpec() });
        await create(p, { kind: 'PublicIp', name: 'ip', owner: ACME, spec: { zone: 'z1' } });
        await create(p, { kind: 'VirtualMachine', name: 'b', owner: ACME, spec: vmSpec({ networks: [{ network: 'net1' }, { network: 'net1' }] }) });
        return (await p.observe({}, new AbortController().signal)).map((o) => ({ id: o.externalId, status: o.status }));
      };
      expect(await runOnce()).toEqual(await runOnce());
    });
  });

  describe('VMs, volumes and snapshots', () => {
    it('a VM is Starting for the latency of its create, then Running; stop goes through Stopping', async () => {
      const p = newSimulator({ latencyMs: { default: 0, VirtualMachine: 200 } });
      await seed(p);
      const creating = create(p, { kind: 'VirtualMachine', name: 'slow', owner: ACME, spec: vmSpec() });
      await new Promise((r) => setTimeout(r, 15));
      expect((await observed(p, 'VirtualMachine', 'slow', ACME))?.status.state).toBe('Starting');
      expect((await creating).status?.state).toBe('Running');
      const stopping = run(p, action('stop', { kind: 'VirtualMachine', name: 'slow', owner: ACME }));
      await new Promise((r) => setTimeout(r, 15));
      expect((await observed(p, 'VirtualMachine', 'slow', ACME))?.status.state).toBe('Stopping');
      await stopping;
      const vm = await observed(p, 'VirtualMachine', 'slow', ACME);
      expect(vm?.status.state).toBe('Stopped');
      expect(vm?.spec.state).toBe('Stopped');
    });

    it('a call aborted in its latency leaves a VM Starting; start finishes it', async () => {
      const p = newSimulator({ latencyMs: { default: 0, VirtualMachine: 1000 } });
      await seed(p);
      const controller = new AbortController();
      const creating = p.apply(action('create', { kind: 'VirtualMachine', name: 'cut', owner: ACME, spec: vmSpec() }), controller.signal);
      await new Promise((r) => setTimeout(r, 20));
      controller.abort();
      await expect(creating).rejects.toBeInstanceOf(TransientError);
      expect((await observed(p, 'VirtualMachine', 'cut', ACME))?.status.state).toBe('Starting');
      const fast = createSimulatorProvider({ stateDir: p.stateDir, latencyMs: 0, env: {} });
      await run(fast, action('start', { kind: 'VirtualMachine', name: 'cut', owner: ACME }));
      expect((await observed(fast, 'VirtualMachine', 'cut', ACME))?.status.state).toBe('Running');
      expect((await observed(fast, 'Host', 'h1'))?.status.used).toMatchObject({ vms: 1 });
    });

    it('a transition whose call never ends it (aborted, process killed) ends on its own once due', async () => {
      const p = newSimulator({ latencyMs: { default: 0, VirtualMachine: 250 } });
      await seed(p);
      const controller = new AbortController();
      const creating = p.apply(action('create', { kind: 'VirtualMachine', name: 'orphaned-call', owner: ACME, spec: vmSpec() }), controller.signal);
      await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      await expect(creating).rejects.toBeInstanceOf(TransientError);
      expect((await observed(p, 'VirtualMachine', 'orphaned-call', ACME))?.status.state).toBe('Starting');
      await new Promise((r) => setTimeout(r, 300));
      expect((await observed(p, 'VirtualMachine', 'orphaned-call', ACME))?.status.state).toBe('Running');
      // The same for a delete: Destroyed, then gone.
      const deleting = p.apply(action('delete', { kind: 'VirtualMachine', name: 'orphaned-call', owner: ACME }), controller.signal);
      await expect(deleting).rejects.toBeInstanceOf(TransientError);
      const fresh = new AbortController();
      const deleting2 = p.apply(action('delete', { kind: 'VirtualMachine', name: 'orphaned-call', owner: ACME }), fresh.signal);
      await new Promise((r) => setTimeout(r, 10));
      fresh.abort();
      await expect(deleting2).rejects.toBeInstanceOf(TransientError);
      expect((await observed(p, 'VirtualMachine', 'orphaned-call', ACME))?.status.state).toBe('Destroyed');
      await new Promise((r) => setTimeout(r, 300));
      expect(await observed(p, 'VirtualMachine', 'orphaned-call', ACME)).toBeUndefined();
      expect((await observed(p, 'Host', 'h1'))?.status.used).toMatchObject({ vms: 0, memoryMiB: 0 });
    });

    it('a VM created Stopped holds no capacity; deleting a VM gives back addresses, capacity and its ROOT disk', async () => {
      const p = newSimulator();
      await seed(p);
      const r = await create(p, { kind: 'VirtualMachine', name: 'v', owner: ACME, spec: vmSpec({ state: 'Stopped', rootDiskGiB: 20 }) }, { placement: { host: 'h1', storage: 'ps1' } });
      expect(r.status).toMatchObject({ state: 'Stopped', host: 'h1', rootVolume: { type: 'ROOT', sizeGiB: 20, storage: 'ps1' } });
      expect((await observed(p, 'Host', 'h1'))?.status.used).toMatchObject({ vms: 0 });
      await run(p, action('start', { kind: 'VirtualMachine', name: 'v', owner: ACME }));
      expect((await observed(p, 'Host', 'h1'))?.status.used).toMatchObject({ vms: 1, memoryMiB: 1024 });
      await run(p, action('delete', { kind: 'VirtualMachine', name: 'v', owner: ACME }, { externalId: r.externalId }));
      expect(await observed(p, 'VirtualMachine', 'v', ACME)).toBeUndefined();
      expect((await observed(p, 'Host', 'h1'))?.status.used).toMatchObject({ vms: 0, memoryMiB: 0, cpuMhz: 0 });
      expect((await observed(p, 'PrimaryStorage', 'ps1'))?.status.usedGiB).toBe(0);
      await expect(create(p, { kind: 'VirtualMachine', name: 'tiny', owner: ACME, spec: vmSpec({ rootDiskGiB: 1 }) })).rejects.toThrow(/smaller than template t1/);
    });

    it('scaling a running VM checks its host; an update never changes the power state', async () => {
      const p = newSimulator();
      await seed(p);
      const r = await create(p, { kind: 'VirtualMachine', name: 'v', owner: ACME, spec: vmSpec() }, { placement: { host: 'h2' } });
      await expect(run(p, action('update', { kind: 'VirtualMachine', name: 'v', owner: ACME, spec: vmSpec({ serviceOffering: 'large' }) }, { externalId: r.externalId }))).rejects.toThrow(
        /cannot scale to large on host h2/,
      );
      await run(p, action('update', { kind: 'VirtualMachine', name: 'v', owner: ACME, spec: vmSpec({ state: 'Stopped' }) }, { externalId: r.externalId }));
      expect((await observed(p, 'VirtualMachine', 'v', ACME))?.status.state).toBe('Running');
      await expect(run(p, action('update', { kind: 'VirtualMachine', name: 'v', owner: ACME, spec: vmSpec({ zone: 'z9' }) }, { externalId: r.externalId }))).rejects.toBeInstanceOf(ConflictError);
    });

    it('volumes: size from the disk offering, attach and detach through spec.attachTo, grow only, a delete detaches first', async () => {
      const p = newSimulator();
      await seed(p);
      await create(p, { kind: 'VirtualMachine', name: 'db', owner: ACME, spec: vmSpec() }, { placement: { host: 'h3' } });
      const vol = { kind: 'Volume' as const, name: 'data', owner: ACME };
      const r = await create(p, { ...vol, spec: { zone: 'z1', diskOffering: 'd10', attachTo: 'db' } });
      expect(r.status).toMatchObject({ state: 'Ready', type: 'DATA', sizeGiB: 10, storage: 'ps2', attachedTo: 'db' });
      expect((await observed(p, 'VirtualMachine', 'db', ACME))?.status.dataVolumes).toEqual([{ name: 'data', externalId: r.externalId }]);
      await run(p, action('update', { ...vol, spec: { zone: 'z1', sizeGiB: 30 } }, { externalId: r.externalId }));
      let seen = await observed(p, 'Volume', 'data', ACME);
      expect(seen?.spec).toEqual({ zone: 'z1', sizeGiB: 30 });
      expect(seen?.status).toMatchObject({ sizeGiB: 30 });
      expect(seen?.status.attachedTo).toBeUndefined();
      expect((await observed(p, 'PrimaryStorage', 'ps2'))?.status.usedGiB).toBe(32);
      await expect(run(p, action('update', { ...vol, spec: { zone: 'z1', sizeGiB: 5 } }, { externalId: r.externalId }))).rejects.toThrow(/cannot shrink from 30 GiB to 5 GiB/);
      await expect(run(p, action('update', { ...vol, spec: { zone: 'z1', sizeGiB: 500 } }, { externalId: r.externalId }))).rejects.toThrow(/ps2 lacks space/);
      await run(p, action('update', { ...vol, spec: { zone: 'z1', sizeGiB: 30, attachTo: 'db' } }, { externalId: r.externalId }));
      seen = await observed(p, 'Volume', 'data', ACME);
      expect(seen?.spec.attachTo).toBe('db');
      // Destroying the VM detaches the volume and keeps it.
      await run(p, action('delete', { kind: 'VirtualMachine', name: 'db', owner: ACME }));
      seen = await observed(p, 'Volume', 'data', ACME);
      expect(seen?.status.attachedTo).toBeUndefined();
      expect(seen?.spec.attachTo).toBeUndefined();
      await run(p, action('delete', vol, { externalId: r.externalId }));
      expect((await observed(p, 'PrimaryStorage', 'ps2'))?.status.usedGiB).toBe(0);
      // A volume planned for deletion while attached (deletionPolicy Delete) is detached, then deleted.
      await create(p, { kind: 'VirtualMachine', name: 'db2', owner: ACME, spec: vmSpec() }, { placement: { host: 'h3' } });
      const other = { kind: 'Volume' as const, name: 'data2', owner: ACME };
      const r2 = await create(p, { ...other, spec: { zone: 'z1', diskOffering: 'd10', attachTo: 'db2' } });
      await run(p, action('delete', other, { externalId: r2.externalId }));
      expect(await observed(p, 'Volume', 'data2', ACME)).toBeUndefined();
      expect((await observed(p, 'VirtualMachine', 'db2', ACME))?.status.dataVolumes ?? []).toEqual([]);
    });

    it('snapshots record their volume; a missing reference is a ConflictError naming it', async () => {
      const p = newSimulator();
      await seed(p);
      await create(p, { kind: 'Volume', name: 'v', owner: ACME, spec: { zone: 'z1', sizeGiB: 3 } });
      const s = await create(p, { kind: 'Snapshot', name: 's', owner: ACME, spec: { volume: 'v', schedule: '0 2 * * *', keep: 3 } });
      expect(s.status).toMatchObject({ state: 'BackedUp', volume: 'v', sizeGiB: 3 });
      const missing = create(p, { kind: 'Snapshot', name: 's2', owner: ACME, spec: { volume: 'nope' } });
      await expect(missing).rejects.toBeInstanceOf(ConflictError);
      await expect(missing).rejects.toThrow(/volume names Volume account:acme\/nope, which the simulator does not hold/);
    });

    it('every kind can be created, observed and deleted', async () => {
      const p = newSimulator();
      await seed(p);
      const tenant = [
        { kind: 'Vpc', name: 'vpc', spec: { zone: 'z1', cidr: '10.8.0.0/16' } },
        { kind: 'NetworkAcl', name: 'acl', spec: { vpc: 'vpc', rules: [] } },
        { kind: 'SecurityGroup', name: 'sg', spec: {} },
        { kind: 'AffinityGroup', name: 'ag', spec: { type: 'host-affinity' } },
        { kind: 'PublicIp', name: 'ip', spec: { zone: 'z1' } },
        { kind: 'FirewallRule', name: 'fw', spec: { publicIp: 'ip', protocol: 'tcp', ports: '80', cidrs: ['0.0.0.0/0'] } },
        { kind: 'EgressRule', name: 'eg', spec: { network: 'net1', protocol: 'all', cidrs: ['0.0.0.0/0'] } },
        { kind: 'VirtualMachine', name: 'vm', spec: vmSpec() },
        { kind: 'PortForward', name: 'pf', spec: { publicIp: 'ip', protocol: 'tcp', publicPort: 2222, vm: 'vm', privatePort: 22 } },
        { kind: 'LoadBalancer', name: 'lb', spec: { publicIp: 'ip', publicPort: 80, privatePort: 80, vms: ['vm'] } },
        { kind: 'Volume', name: 'vol', spec: { zone: 'z1', sizeGiB: 1 } },
        { kind: 'Snapshot', name: 'snap', spec: { volume: 'vol' } },
      ] as const;
      await create(p, { kind: 'Project', name: 'proj', spec: {} });
      for (const d of tenant) await create(p, { ...d, owner: ACME, spec: { ...d.spec } });
      const all = await p.observe({}, new AbortController().signal);
      expect(new Set(all.map((o) => o.kind)).size).toBe(p.kinds().length);
      for (const d of [...tenant].reverse()) await run(p, action('delete', { kind: d.kind, name: d.name, owner: ACME }));
      for (const d of [...(await import('./simulator-fixture.js')).infrastructure].reverse()) await run(p, action('delete', d));
      await run(p, action('delete', { kind: 'Project', name: 'proj' }));
      expect(await p.observe({}, new AbortController().signal)).toEqual([]);
    });
  });

  describe('ownership', () => {
    it('foreign objects are observed unmanaged and never modified', async () => {
      const p = newSimulator();
      await seed(p);
      const foreign = await addForeignVm(p.world, 'intruder', { host: 'h3', serviceOffering: 'small', owner: ACME });
      const seen = await observed(p, 'VirtualMachine', 'intruder', ACME);
      expect(seen).toMatchObject({ managed: false, externalId: foreign.externalId, status: { state: 'Running', host: 'h3' } });
      expect((await observed(p, 'Host', 'h3'))?.status.used).toMatchObject({ vms: 1, memoryMiB: 1024 });
      for (const op of ['delete', 'update', 'stop'] as const) {
        const a = action(op, { kind: 'VirtualMachine', name: 'intruder', owner: ACME, spec: vmSpec() }, { externalId: foreign.externalId });
        await expect(run(p, a)).rejects.toThrow(/not managed by cairn/);
      }
      // Creating a managed VM of the same name makes a new object: foreign ones are never adopted.
      const mine = await create(p, { kind: 'VirtualMachine', name: 'intruder', owner: ACME, spec: vmSpec() });
      expect(mine.adopted).toBeUndefined();
      expect(mine.externalId).not.toBe(foreign.externalId);
    });

    it('an orphaned object is not adopted by a later create', async () => {
      const p = newSimulator();
      await seed(p);
      const vol = { kind: 'Volume' as const, name: 'keep', owner: ACME, spec: { zone: 'z1', sizeGiB: 4 } };
      const first = await create(p, vol);
      await run(p, action('orphan', vol, { externalId: first.externalId }));
      const second = await create(p, vol);
      expect(second.externalId).not.toBe(first.externalId);
      const both = (await p.observe({ kinds: ['Volume'] }, new AbortController().signal)).map((o) => [o.externalId, o.managed]);
      expect(both).toEqual([
        [first.externalId, false],
        [second.externalId, true],
      ]);
    });
  });

  describe('faults', () => {
    it('a seeded random source makes the injected failures repeatable', async () => {
      const pattern = async () => {
        const p = newSimulator({ random: seededRandom(7) });
        await seed(p);
        await setFaults(p.world, { errorRate: 0.3, timeoutRate: 0.2, permanentErrorRate: 0.1 });
        const outcomes: string[] = [];
        for (let i = 0; i < 30; i++) {
          try {
            await create(p, { kind: 'AffinityGroup', name: `ag-${i}`, owner: ACME, spec: { type: 'host-affinity' } });
            outcomes.push('ok');
          } catch (error) {
            outcomes.push(error instanceof TransientError ? (/timed out/.test((error as Error).message) ? 'timeout' : 'transient') : (error as Error).name);
          }
        }
        return outcomes;
      };
      const first = await pattern();
      expect(first).toEqual(await pattern());
      expect(new Set(first)).toEqual(new Set(['ok', 'transient', 'timeout', 'PermanentError']));
    });

    it('a timeout takes effect and loses the reply: the retry adopts', async () => {
      const p = newSimulator();
      await seed(p);
      await setFaults(p.world, { timeoutRate: 1 });
      const vm = { kind: 'VirtualMachine' as const, name: 'lost', owner: ACME, spec: vmSpec() };
      await expect(create(p, vm)).rejects.toThrow(/timed out waiting for the reply .*the operation took effect/);
      const made = await observed(p, 'VirtualMachine', 'lost', ACME);
      expect(made).toMatchObject({ managed: true, status: { state: 'Running' } });
      await clearFaults(p.world);
      expect(await create(p, vm)).toMatchObject({ externalId: made!.externalId, adopted: true });
      expect((await observed(p, 'Host', 'h1'))?.status.used).toMatchObject({ vms: 1 });
    });

    it('rates are checked: each 0..1, together at most 1', async () => {
      const p = newSimulator();
      await expect(setFaults(p.world, { errorRate: 1.5 })).rejects.toBeInstanceOf(SimulatorConfigError);
      await expect(setFaults(p.world, { errorRate: 0.6, timeoutRate: 0.6 })).rejects.toThrow(/add up to 1.2/);
      expect(readFaults(p.world)).toEqual({ errorRate: 0, timeoutRate: 0, permanentErrorRate: 0 });
    });
  });

  describe('drift from outside', () => {
    it('stop-vm, delete-vm, detach-volume, delete-firewall-rule are what observe sees next', async () => {
      const p = newSimulator();
      await seed(p);
      await create(p, { kind: 'VirtualMachine', name: 'web', owner: ACME, spec: vmSpec() });
      await create(p, { kind: 'VirtualMachine', name: 'db', owner: ACME, spec: vmSpec() });
      await create(p, { kind: 'Volume', name: 'data', owner: ACME, spec: { zone: 'z1', sizeGiB: 5, attachTo: 'db' } });
      await create(p, { kind: 'PublicIp', name: 'ip', owner: ACME, spec: { zone: 'z1' } });
      await create(p, { kind: 'FirewallRule', name: 'http', owner: ACME, spec: { publicIp: 'ip', protocol: 'tcp', ports: '80', cidrs: ['0.0.0.0/0'] } });

      expect((await stopVm(p.world, { name: 'web', owner: ACME })).changed).toBe(true);
      const web = await observed(p, 'VirtualMachine', 'web', ACME);
      expect(web?.status.state).toBe('Stopped');
      expect(web?.spec.state).toBe('Running');
      expect((await stopVm(p.world, { name: 'web' })).changed).toBe(false);
      expect((await observed(p, 'Host', 'h1'))?.status.used).toMatchObject({ vms: 1 });

      expect((await detachVolume(p.world, { name: 'data' })).changed).toBe(true);
      const data = await observed(p, 'Volume', 'data', ACME);
      expect(data?.spec.attachTo).toBeUndefined();
      expect(data?.status.attachedTo).toBeUndefined();

      await deleteFirewallRule(p.world, { name: 'http', owner: ACME });
      expect(await observed(p, 'FirewallRule', 'http', ACME)).toBeUndefined();

      await deleteVm(p.world, { name: 'db', owner: ACME });
      expect(await observed(p, 'VirtualMachine', 'db', ACME)).toBeUndefined();
      // Its address is free again, and a create of the same identity makes a new VM.
      const again = await create(p, { kind: 'VirtualMachine', name: 'db', owner: ACME, spec: vmSpec() });
      expect(again.adopted).toBeUndefined();
      expect(again.status?.ips).toEqual(['10.0.0.3']);
    });

    it('names a missing or ambiguous target clearly', async () => {
      const p = newSimulator();
      await seed(p);
      await expect(stopVm(p.world, { name: 'ghost' })).rejects.toThrow(/no VirtualMachine named "ghost"/);
      await addForeignVm(p.world, 'twin', { owner: 'account:a' });
      await addForeignVm(p.world, 'twin', { owner: 'account:b' });
      await expect(deleteVm(p.world, { name: 'twin' })).rejects.toThrow(/2 VirtualMachines are named "twin" \(owners: account:a, account:b\)/);
      await deleteVm(p.world, { name: 'twin', owner: 'account:b' });
      await expect(addForeignVm(p.world, 'x', { host: 'h9' })).rejects.toBeInstanceOf(SimulatorTargetError);
    });
  });

  describe('latency', () => {
    it('comes from the constructor, then simulator.json per kind, then CAIRN_SIM_LATENCY_MS, then 2 ms', () => {
      const dir = stateDir();
      expect(createSimulatorProvider({ stateDir: dir, env: {} }).latencyOf('Zone')).toBe(2);
      expect(createSimulatorProvider({ stateDir: dir, env: { CAIRN_SIM_LATENCY_MS: '5' } }).latencyOf('observe')).toBe(5);
      fs.writeFileSync(path.join(dir, 'simulator.json'), JSON.stringify({ latencyMs: { VirtualMachine: 20, observe: 1 } }));
      const p = createSimulatorProvider({ stateDir: dir, env: { CAIRN_SIM_LATENCY_MS: '5' } });
      expect([p.latencyOf('VirtualMachine'), p.latencyOf('Zone'), p.latencyOf('observe')]).toEqual([20, 5, 1]);
      const q = createSimulatorProvider({ stateDir: dir, env: {}, latencyMs: { default: 0, VirtualMachine: 3 } });
      expect([q.latencyOf('VirtualMachine'), q.latencyOf('Zone'), q.latencyOf('observe')]).toEqual([3, 0, 1]);
      fs.writeFileSync(path.join(dir, 'simulator.json'), JSON.stringify({ latencyMs: { Vm: 20 } }));
      expect(() => createSimulatorProvider({ stateDir: dir, env: {} })).toThrow(/unknown latency key "Vm"/);
      fs.writeFileSync(path.join(dir, 'simulator.json'), '{');
      expect(() => createSimulatorProvider({ stateDir: dir, env: {} })).toThrow(SimulatorConfigError);
      fs.rmSync(path.join(dir, 'simulator.json'));
      expect(() => createSimulatorProvider({ stateDir: dir, env: { CAIRN_SIM_LATENCY_MS: 'fast' } })).toThrow(/CAIRN_SIM_LATENCY_MS/);
    });

    it('observe takes one unit of latency, not one per object', async () => {
      const p = newSimulator({ latencyMs: { default: 0, observe: 30 } });
      await seed(p);
      const t = performance.now();
      await p.observe({}, new AbortController().signal);
      const ms = performance.now() - t;
      expect(ms).toBeGreaterThanOrEqual(25);
      expect(ms).toBeLessThan(500);
    });

    it('many concurrent calls are grouped into few commits', async () => {
      const p = newSimulator();
      await seed(p);
      const t = performance.now();
      await Promise.all(Array.from({ length: 2000 }, (_, i) => create(p, { kind: 'SecurityGroup', name: `sg-${i}`, owner: ACME, spec: {} })));
      const ms = performance.now() - t;
      expect((await p.observe({ kinds: ['SecurityGroup'] }, new AbortController().signal)).length).toBe(2000);
      expect(ms).toBeLessThan(2000);
    });
  });

  it('replace never reaches a provider; start on a kind without power is refused', async () => {
    const p = newSimulator();
    await seed(p);
    await expect(run(p, contractAction('replace', { kind: 'Zone', name: 'z1' }))).rejects.toThrow(/replace never reaches a provider/);
    await expect(run(p, contractAction('start', { kind: 'Zone', name: 'z1' }))).rejects.toThrow(/start applies to VirtualMachine only/);
  });
});
