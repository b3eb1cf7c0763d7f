/**
 * The configuration files of a private libvirtd (../shared/DESIGN.md §6): its sockets in a private
 * folder, no authentication on them (root-only folder), its log in the test's folder, and a QEMU
 * driver that runs guests as root without cgroups, security labels or ownership changes, so that
 * images in a 0700 temporary folder work inside a container.
 */
export function libvirtdConf(dir: { sock: string; log: string }): string {
  return [
    `unix_sock_dir = "${dir.sock}"`,
    'unix_sock_rw_perms = "0700"',
    'unix_sock_ro_perms = "0700"',
    'auth_unix_rw = "none"',
    'auth_unix_ro = "none"',
    // Levels: 3 warnings and errors; the file is read when a test fails.
    `log_outputs = "3:file:${dir.log}"`,
    '',
  ].join('\n');
}

export const QEMU_CONF = [
  'user = "root"',
  'group = "root"',
  'dynamic_ownership = 0',
  'remember_owner = 0',
  'security_driver = "none"',
  'cgroup_controllers = [ ]',
  '',
].join('\n');
