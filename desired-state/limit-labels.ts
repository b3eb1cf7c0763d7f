/** What each key of an Account's or Project's `spec.limits` counts, in words (for messages). */
export const LIMIT_LABELS: Readonly<Record<string, string>> = {
  vms: 'virtual machines',
  cpuCores: 'CPU cores',
  memoryMiB: 'MiB of memory',
  primaryStorageGiB: 'GiB of primary storage',
  publicIps: 'public IPs',
  networks: 'networks',
  volumes: 'volumes',
  snapshots: 'snapshots (counting each kept copy)',
};
