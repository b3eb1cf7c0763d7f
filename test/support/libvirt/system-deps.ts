/**
 * The Debian packages the libvirt tests need, installed when missing (scripts/install-system-deps.sh,
 * which is idempotent and serialised by a lock), never skipped: a test of a real component that
 * quietly does nothing when the component is absent proves nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const installScript = path.join(root, 'scripts/install-system-deps.sh');

const TOOLS = ['virsh', 'libvirtd', 'virtlogd', 'qemu-img', 'qemu-system-x86_64', 'nft', 'ip', 'dnsmasq'];
/** apt installs daemons under /usr/sbin, which a non-login PATH may lack. */
export const SYSTEM_PATH = `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`;

export function missingTools(): string[] {
  return TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`], { env: { ...process.env, PATH: SYSTEM_PATH } }).status !== 0);
}

/** Installs what is missing (minutes on a fresh machine, milliseconds after); throws when it cannot. */
export function ensureSystemDeps(): void {
  // The script also creates users, groups and folders, so it runs even when every tool is present;
  // with nothing missing it is a handful of dpkg queries.
  execFileSync('sh', [installScript], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PATH: SYSTEM_PATH } });
  const still = missingTools();
  if (still.length > 0) throw new Error(`after ${installScript}, still missing: ${still.join(', ')}`);
}
