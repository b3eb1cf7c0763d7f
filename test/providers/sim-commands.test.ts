/**
 * `cairn sim show | fault | drift` end to end, through runCli as a user's shell would drive them,
 * against a world an apply (here: the simulator provider itself) has made.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../controller/cli/run-cli.js';
import { simDriftCommand } from '../../controller/commands/sim-drift.js';
import { simFaultCommand } from '../../controller/commands/sim-fault.js';
import { simShowCommand } from '../../controller/commands/sim-show.js';
import { readFaults } from '../../providers/simulator/faults.js';
import { createSimulatorProvider, type SimulatorProvider } from '../../providers/simulator/simulator-provider.js';
import { closeSimulatorWorlds } from '../../providers/simulator/world-store.js';
import { STACK_TRACE, userEnv } from '../support/cli.js';
import { ACME, create, observed, removeStateDirs, seed, stateDir, vmSpec } from './simulator-fixture.js';

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

const registry = [simShowCommand, simFaultCommand, simDriftCommand];

async function sim(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Collect();
  const stderr = new Collect();
  const code = await runCli(['sim', ...argv], { stdout, stderr, cwd, env: userEnv() }, registry);
  expect(stdout.text + stderr.text).not.toMatch(STACK_TRACE);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('cairn sim', () => {
  let repo: string;
  let p: SimulatorProvider;

  beforeAll(async () => {
    repo = stateDir();
    p = createSimulatorProvider({ stateDir: path.join(repo, '.cairn'), latencyMs: 0, env: {} });
    await seed(p);
    await create(p, { kind: 'VirtualMachine', name: 'web-1', owner: ACME, spec: vmSpec({ userData: '#cloud-config\npassword: hunter2', sshKey: 'ssh-ed25519 AAAA secret' }) }, { placement: { host: 'h1' } });
    await create(p, { kind: 'VirtualMachine', name: 'web-2', owner: ACME, spec: vmSpec() }, { placement: { host: 'h1' } });
    await create(p, { kind: 'Volume', name: 'data', owner: ACME, spec: { zone: 'z1', diskOffering: 'd10', attachTo: 'web-2' } });
    await create(p, { kind: 'PublicIp', name: 'ip', owner: ACME, spec: { zone: 'z1' } });
    await create(p, { kind: 'FirewallRule', name: 'http', owner: ACME, spec: { publicIp: 'ip', protocol: 'tcp', ports: '80', cidrs: ['0.0.0.0/0'] } });
  });
  afterAll(async () => {
    await closeSimulatorWorlds();
    removeStateDirs();
  });

  it('show: a table of the world, hosts with capacity, VMs with host and address; --kind and --account filter', async () => {
    const r = await sim(['show'], repo);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^KIND\s+OWNER\s+NAME\s+ID\s+MANAGED\s+STATUS$/);
    expect(lines.find((l) => l.startsWith('Host ') && / h1 /.test(l))).toMatch(/yes\s+Up {2}vms 2 {2}cpu 2000\/16000 MHz {2}mem 2048\/8192 MiB$/);
    expect(lines.find((l) => / web-1 /.test(l))).toMatch(/^VirtualMachine\s+account:acme\s+web-1\s+sim-VirtualMachine-1\s+yes\s+Running on h1 {2}10\.0\.0\.2 {2}02:00:00:00:00:01$/);
    expect(lines.find((l) => l.startsWith('Network '))).toMatch(/vlan 100 {2}10\.0\.0\.0\/29 gw 10\.0\.0\.1/);
    expect(lines.find((l) => l.startsWith('Volume '))).toMatch(/Ready {2}10 GiB on ps1 {2}attached to web-2/);
    expect(r.stdout).toMatch(/\n\d+ objects \(\d+ managed, 0 foreign or orphaned\)\nfaults: none\n$/);
    expect(r.stdout).not.toMatch(/hunter2|AAAA/);

    const vms = await sim(['show', '--kind', 'virtualmachine', '--account', 'acme'], repo);
    expect(vms.stdout.split('\n').filter((l) => l.startsWith('VirtualMachine'))).toHaveLength(2);
    expect(vms.stdout).not.toMatch(/^Host/m);
  });

  it('show --json: the whole world with secrets redacted; the world itself keeps them', async () => {
    const r = await sim(['show', '--json'], repo);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ stateDir: path.join(repo, '.cairn'), faults: { errorRate: 0 }, hostsDown: [] });
    const web1 = out.objects.find((o: { name: string }) => o.name === 'web-1');
    expect(web1).toMatchObject({ kind: 'VirtualMachine', owner: 'account:acme', managed: true, spec: { userData: '(redacted)', sshKey: '(redacted)' }, status: { state: 'Running' } });
    expect(r.stdout).not.toMatch(/hunter2|AAAA/);
    expect(out.objects.find((o: { name: string }) => o.name === 'h1').status.capacity).toMatchObject({ totalCpuMhz: 16000 });
    expect((await observed(p, 'VirtualMachine', 'web-1', ACME))?.spec.userData).toMatch(/hunter2/);
  });

  it('fault: rates and hosts, kept in the world; --clear; bad input is a usage error', async () => {
    let r = await sim(['fault', '--error-rate', '0.3', '--timeout-rate', '0.05'], repo);
    expect(r).toMatchObject({ code: 0, stdout: 'faults now: error rate 0.3, timeout rate 0.05, permanent error rate 0\n' });
    expect(readFaults(p.world)).toEqual({ errorRate: 0.3, timeoutRate: 0.05, permanentErrorRate: 0 });
    r = await sim(['fault', '--host', 'h3', '--down', '--json'], repo);
    expect(JSON.parse(r.stdout)).toEqual({ faults: { errorRate: 0.3, timeoutRate: 0.05, permanentErrorRate: 0 }, hostsDown: ['h3'] });
    expect((await observed(p, 'Host', 'h3'))?.status.state).toBe('Down');
    expect((await sim(['show'], repo)).stdout).toMatch(/faults: error rate 0\.3, timeout rate 0\.05, permanent error rate 0; hosts down: h3\n$/);
    expect((await sim(['fault'], repo)).stdout).toBe('faults: error rate 0.3, timeout rate 0.05, permanent error rate 0; hosts down: h3\n');

    for (const [argv, message] of [
      [['--error-rate', '2'], /--error-rate must be a number from 0 to 1/],
      [['--error-rate', 'lots'], /--error-rate must be a number from 0 to 1/],
      [['--error-rate', '0.6', '--timeout-rate', '0.6'], /the rates add up to 1\.2/],
      [['--down'], /--down needs --host H/],
      [['--host', 'h3'], /--host needs --down or --up/],
      [['--host', 'h3', '--down', '--up'], /exclude each other/],
      [['--clear', '--error-rate', '0.1'], /give it alone/],
      [['--bogus'], /Unknown option '--bogus'/],
    ] as const) {
      const bad = await sim(['fault', ...argv], repo);
      expect(bad.code, argv.join(' ')).toBe(64);
      expect(bad.stderr).toMatch(message);
    }
    const unknownHost = await sim(['fault', '--host', 'h9', '--down'], repo);
    expect(unknownHost).toMatchObject({ code: 1, stderr: 'cairn sim fault: no host named "h9" in the simulated world (hosts: h1, h2, h3)\n' });

    r = await sim(['fault', '--clear'], repo);
    expect(r).toMatchObject({ code: 0, stdout: 'faults now: none\n' });
    expect((await observed(p, 'Host', 'h3'))?.status.state).toBe('Up');
  });

  it('drift: each change is what observe sees next', async () => {
    let r = await sim(['drift', 'stop-vm', 'web-1', '--account', 'acme'], repo);
    expect(r).toMatchObject({ code: 0, stdout: 'VirtualMachine account:acme/web-1 (sim-VirtualMachine-1) stopped\n' });
    expect((await observed(p, 'VirtualMachine', 'web-1', ACME))?.status.state).toBe('Stopped');
    r = await sim(['drift', 'stop-vm', 'web-1'], repo);
    expect(r.stdout).toMatch(/was already Stopped; nothing changed/);

    r = await sim(['drift', 'detach-volume', 'data'], repo);
    expect(r.stdout).toMatch(/^Volume account:acme\/data \(sim-Volume-1\) detached\n$/);
    expect((await observed(p, 'Volume', 'data', ACME))?.spec.attachTo).toBeUndefined();

    r = await sim(['drift', 'delete-firewall-rule', 'http', '--account', 'acme'], repo);
    expect(r.code).toBe(0);
    expect(await observed(p, 'FirewallRule', 'http', ACME)).toBeUndefined();

    r = await sim(['drift', 'add-foreign-vm', 'intruder', '--host', 'h3', '--offering', 'small', '--json'], repo);
    expect(JSON.parse(r.stdout)).toMatchObject({ action: 'add-foreign-vm', changed: true, object: { kind: 'VirtualMachine', name: 'intruder', owner: null, managed: false, status: { state: 'Running', host: 'h3' } } });
    expect((await observed(p, 'VirtualMachine', 'intruder'))?.managed).toBe(false);

    r = await sim(['drift', 'delete-vm', 'web-2', '--account', 'acme'], repo);
    expect(r.stdout).toMatch(/web-2 \(sim-VirtualMachine-2\) destroyed and expunged/);
    expect(await observed(p, 'VirtualMachine', 'web-2', ACME)).toBeUndefined();
  });

  it('drift: unknown objects exit 1, bad input exits 64, never a stack trace', async () => {
    expect(await sim(['drift', 'stop-vm', 'ghost'], repo)).toMatchObject({ code: 1, stderr: 'cairn sim drift: no VirtualMachine named "ghost" in the simulated world\n' });
    expect(await sim(['drift', 'add-foreign-vm', 'x', '--host', 'h9'], repo)).toMatchObject({ code: 1 });
    for (const [argv, message] of [
      [[], /say what to change: one of stop-vm, delete-vm/],
      [['stop-wm', 'web-1'], /unknown drift "stop-wm"; did you mean stop-vm\?/],
      [['stop-vm'], /stop-vm needs the object's NAME/],
      [['stop-vm', 'a', 'b'], /unexpected argument "b"/],
      [['stop-vm', 'bad name!'], /is not a resource name/],
      [['stop-vm', 'web-1', '--host', 'h1'], /--host applies to add-foreign-vm only/],
      [['stop-vm', 'web-1', '--account', 'a', '--project', 'p'], /--account and --project exclude each other/],
    ] as const) {
      const bad = await sim(['drift', ...argv], repo);
      expect(bad.code, argv.join(' ')).toBe(64);
      expect(bad.stderr).toMatch(message);
    }
  });

  it('a folder where the simulator never ran: show says so, drift exits 1, nothing is created', async () => {
    const empty = stateDir();
    expect(await sim(['show'], empty)).toMatchObject({ code: 0, stdout: `the simulated world is empty: nothing was ever applied with the simulator in ${path.join(empty, '.cairn')}\nfaults: none\n` });
    expect(JSON.parse((await sim(['show', '--json'], empty)).stdout)).toMatchObject({ objects: [], hostsDown: [] });
    expect((await sim(['drift', 'stop-vm', 'web-1'], empty)).code).toBe(1);
    expect(await sim(['fault'], empty)).toMatchObject({ code: 0, stdout: 'faults: none\n' });
    expect(fs.existsSync(path.join(empty, '.cairn'))).toBe(false);
    expect(await sim(['show', '--repo', path.join(empty, 'nope')], empty)).toMatchObject({ code: 64 });
    expect((await sim(['show', '--kind', 'Hots'], empty)).stderr).toMatch(/unknown kind "Hots"; did you mean Host\?/);
    // --state-dir and $CAIRN_STATE_DIR point elsewhere.
    expect(JSON.parse((await sim(['show', '--json', '--state-dir', path.join(repo, '.cairn')], empty)).stdout).objects.length).toBeGreaterThan(10);
  });

  it('--help for each command', async () => {
    for (const c of ['show', 'fault', 'drift']) {
      const r = await sim([c, '--help'], repo);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: cairn sim ${c} `));
    }
  });
});
