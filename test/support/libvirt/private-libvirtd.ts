/**
 * A private libvirtd (and the virtlogd it logs through) for one test file, as ../shared/DESIGN.md §6
 * describes, plus two walls so that nothing of the host is touched and several test files can each
 * run their own daemon at once:
 * - a network namespace of its own (`ip netns add`): the bridges, dnsmasq and NAT rules of libvirt
 *   networks live and die there, never on the host's interfaces or firewall;
 * - a mount namespace in which the test's folders are bind-mounted over /etc/libvirt,
 *   /var/lib/libvirt, /run/libvirt, /var/log/libvirt and /var/cache/libvirt: the domains, networks
 *   and pools it defines are written to the test's folder, never to the host's libvirt config.
 * The sockets are in the test's folder, outside both walls, so `qemu+unix:///system?socket=...`
 * reaches the daemon from the test process. `stop()` undefines everything, ends both daemons by PID
 * (and, by their pid files, any qemu or dnsmasq they left), deletes the namespace and the folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QEMU_CONF, libvirtdConf } from './daemon-config.js';
import { SYSTEM_PATH, ensureSystemDeps } from './system-deps.js';

export interface PrivateLibvirtd {
  /** `qemu+unix:///system?socket=<dir>/sock/libvirt-sock` */
  readonly uri: string;
  /** The test's folder: configuration, state, log, sockets. Gone after stop(). */
  readonly dir: string;
  /** The network namespace the daemon and its guests' networks live in. */
  readonly netns: string;
  readonly libvirtdPid: number;
  readonly virtlogdPid: number;
  /**
   * Runs virsh against this daemon; throws with virsh's stderr on failure. With `xml`, the argument
   * `@xml` names a file holding it (virsh cannot read /dev/stdin from Node's socket pipes).
   */
  virsh(args: readonly string[], xml?: string): string;
  /** Runs a command inside the daemon's network namespace (ip, nft). */
  inNetns(command: readonly string[]): { status: number | null; stdout: string; stderr: string };
  /** Destroys and undefines every domain, network, pool and cairn nwfilter: a clean daemon for the next test. */
  wipe(): void;
  /** What the daemon logged (warnings and errors), for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

/** Where a first daemon leaves the QEMU capabilities it probed (about 3 s), for the next ones to start from. */
const SHARED_CAPABILITIES = '/var/tmp/cairn-test-libvirt-qemu-capabilities';
const MOUNTS = ['etc:/etc/libvirt', 'lib:/var/lib/libvirt', 'run:/run/libvirt', 'log:/var/log/libvirt', 'cache:/var/cache/libvirt'];
const env = { ...process.env, PATH: SYSTEM_PATH, LC_ALL: 'C' };

export async function startPrivateLibvirtd(): Promise<PrivateLibvirtd> {
  ensureSystemDeps();
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-libvirtd-')));
  const netns = `cairn-lv-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  for (const sub of ['etc', 'lib', 'run', 'log/qemu', 'cache/qemu/capabilities', 'sock']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  fs.writeFileSync(path.join(dir, 'etc/libvirtd.conf'), libvirtdConf({ sock: path.join(dir, 'sock'), log: path.join(dir, 'libvirtd.log') }));
  fs.writeFileSync(path.join(dir, 'etc/qemu.conf'), QEMU_CONF);
  if (fs.existsSync(SHARED_CAPABILITIES)) fs.cpSync(SHARED_CAPABILITIES, path.join(dir, 'cache/qemu/capabilities'), { recursive: true });

  run(['ip', 'netns', 'add', netns]);
  const virtlogdPidFile = path.join(dir, 'virtlogd.pid');
  const libvirtdPidFile = path.join(dir, 'libvirtd.pid');
  const script = [
    'set -e',
    ...MOUNTS.map((m) => {
      const [from, to] = m.split(':') as [string, string];
      return `mkdir -p ${to} && mount --bind ${path.join(dir, from)} ${to}`;
    }),
    'ip link set lo up',
    `virtlogd -d -p ${virtlogdPidFile}`,
    // exec: the child the test holds is libvirtd itself, so its PID is the one to stop.
    `exec libvirtd -f ${path.join(dir, 'etc/libvirtd.conf')} --pid-file ${libvirtdPidFile}`,
  ].join('\n');
  const child = spawn('ip', ['netns', 'exec', netns, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', script], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const socket = path.join(dir, 'sock/libvirt-sock');
  const uri = `qemu+unix:///system?socket=${socket}`;

  const emergency = () => emergencyStop(dir, netns, child);
  process.once('exit', emergency);
  try {
    await waitFor(() => fs.existsSync(socket) && fs.existsSync(libvirtdPidFile) && fs.existsSync(virtlogdPidFile), 15_000, () =>
      child.exitCode !== null ? `libvirtd exited ${child.exitCode}: ${stderr}${readLog(dir)}` : undefined,
    );
  } catch (error) {
    await stopAll(dir, netns, child, exited, undefined);
    process.removeListener('exit', emergency);
    throw error;
  }
  const libvirtdPid = readPid(libvirtdPidFile)!;
  const virtlogdPid = readPid(virtlogdPidFile)!;

  let files = 0;
  const virsh = (args: readonly string[], xml?: string): string => {
    if (xml !== undefined) {
      const file = path.join(dir, `input-${++files}.xml`);
      fs.writeFileSync(file, xml);
      args = args.map((a) => (a === '@xml' ? file : a));
    }
    const r = spawnSync('virsh', ['-q', '-c', uri, ...args], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`virsh ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  let stopped: Promise<void> | undefined;
  return {
    uri,
    dir,
    netns,
    libvirtdPid,
    virtlogdPid,
    virsh,
    inNetns: (command) => {
      const r = spawnSync('ip', ['netns', 'exec', netns, ...command], { env, encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    log: () => readLog(dir),
    wipe: () => undefineEverything(virsh),
    stop: () =>
      (stopped ??= (async () => {
        await stopAll(dir, netns, child, exited, virsh);
        process.removeListener('exit', emergency);
      })()),
  };
}

/** Removes what the daemon holds, then the daemons, then the namespace and the folder. */
async function stopAll(dir: string, netns: string, child: ChildProcess, exited: Promise<void>, virsh: ((args: readonly string[]) => string) | undefined): Promise<void> {
  if (virsh) {
    undefineEverything(virsh);
    keepCapabilities(dir);
  }
  await endProcess(child, exited);
  killByPidFiles(dir);
  spawnSync('ip', ['netns', 'del', netns], { env });
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Lists, then one virsh process for all the removals (virsh runs `a ; b` in sequence and goes on
 * after a failure): a wipe between tests costs two process starts, not two per object.
 */
function undefineEverything(virsh: (args: readonly string[]) => string): void {
  let listed: string[];
  try {
    listed = virsh(['list --all --name ; echo @@ ; net-list --all --name ; echo @@ ; pool-list --all --name ; echo @@ ; nwfilter-list']).split('@@');
  } catch {
    return; // the daemon is gone: the kill by PID is the backstop
  }
  const names = (i: number) => (listed[i] ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const commands = [
    ...names(0).flatMap((d) => [`destroy ${d}`, `undefine ${d}`]),
    ...names(1).flatMap((n) => [`net-destroy ${n}`, `net-undefine ${n}`]),
    ...names(2).flatMap((p) => [`pool-destroy ${p}`, `pool-undefine ${p}`]),
    ...names(3)
      .map((l) => l.split(/\s+/)[1])
      .filter((n): n is string => n?.startsWith('cairn') === true)
      .map((n) => `nwfilter-undefine ${n}`),
  ];
  if (commands.length === 0) return;
  try {
    virsh([commands.join(' ; ')]);
  } catch {
    // Some were already gone (a domain not running cannot be destroyed): fine, the rest ran.
  }
}

async function endProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** virtlogd, and anything a daemon started and left running: each by the PID it wrote. */
function killByPidFiles(dir: string): void {
  const files = [path.join(dir, 'virtlogd.pid')];
  for (const sub of ['run/qemu', 'run/network']) {
    const d = path.join(dir, sub);
    if (fs.existsSync(d)) for (const f of fs.readdirSync(d)) if (f.endsWith('.pid') && f !== 'driver.pid') files.push(path.join(d, f));
  }
  for (const f of files) {
    const pid = readPid(f);
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already exited.
    }
  }
}

function emergencyStop(dir: string, netns: string, child: ChildProcess): void {
  try {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  } catch {
    // exited
  }
  killByPidFiles(dir);
  spawnSync('ip', ['netns', 'del', netns], { env });
  fs.rmSync(dir, { recursive: true, force: true });
}

function keepCapabilities(dir: string): void {
  const probed = path.join(dir, 'cache/qemu/capabilities');
  if (fs.existsSync(SHARED_CAPABILITIES) || !fs.existsSync(probed) || fs.readdirSync(probed).length === 0) return;
  const tmp = `${SHARED_CAPABILITIES}.${process.pid}`;
  fs.cpSync(probed, tmp, { recursive: true });
  try {
    fs.renameSync(tmp, SHARED_CAPABILITIES);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another test file was first
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function readLog(dir: string): string {
  try {
    return fs.readFileSync(path.join(dir, 'libvirtd.log'), 'utf8');
  } catch {
    return '';
  }
}

function run(command: string[]): void {
  const r = spawnSync(command[0]!, command.slice(1), { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command.join(' ')}: ${r.stderr.trim()}`);
}

async function waitFor(ready: () => boolean, ms: number, failed: () => string | undefined): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (ready()) return;
    const why = failed();
    if (why !== undefined) throw new Error(why);
    if (Date.now() > end) throw new Error(`libvirtd not ready after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
