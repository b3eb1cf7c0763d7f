/**
 * The CloudStack-size data center of the bench (2 zones × 10 pods × 25 clusters × 50 hosts, 1,000
 * accounts × 5 networks × 50 VMs: 282,042 resources), built in memory for the planner's scale test.
 */
import type { DesiredModel, Resource } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import type { Plan } from '../../reconcilers/plan.js';
import { res } from './support.js';

const OFFERINGS = [
  { name: 'small', cpuCores: 1, cpuMhz: 1000, memoryMiB: 1024 },
  { name: 'medium', cpuCores: 2, cpuMhz: 2000, memoryMiB: 4096 },
  { name: 'large', cpuCores: 4, cpuMhz: 2000, memoryMiB: 8192 },
  { name: 'large-ssd', cpuCores: 4, cpuMhz: 2000, memoryMiB: 8192, hostTags: ['ssd'], storageTags: ['ssd'] },
];

export function datacenter(): DesiredModel {
  const r: Resource[] = [];
  for (const o of OFFERINGS) {
    const { name, ...spec } = o;
    r.push(res('ServiceOffering', name, spec));
  }
  r.push(res('DiskOffering', 'data-50', { sizeGiB: 50 }), res('DiskOffering', 'data-500', { sizeGiB: 500 }));
  r.push(res('Template', 'debian-12', { url: 'sim://t', format: 'QCOW2', hypervisor: 'Simulator', sizeGiB: 2, zones: ['zone1', 'zone2'] }));
  r.push(res('Domain', 'customers', { parent: 'ROOT' }));
  for (let d = 1; d <= 10; d++) r.push(res('Domain', `region-${d}`, { parent: 'customers' }));
  for (let z = 1; z <= 2; z++) {
    const zone = `zone${z}`;
    r.push(res('Zone', zone, { networkType: 'Advanced', guestCidr: `10.${(z - 1) * 128}.0.0/9` }));
    r.push(res('SecondaryStorage', `${zone}-ss`, { zone, url: `sim://${zone}-ss` }));
    for (let p = 1; p <= 10; p++) {
      const pod = `${zone}-pod${p}`;
      r.push(res('Pod', pod, { zone, gateway: '172.16.0.1', netmask: '255.255.255.0', startIp: '172.16.0.2', endIp: '172.16.0.250' }));
      for (let c = 1; c <= 25; c++) {
        const cluster = `${pod}-c${c}`;
        const ssd = c % 2 === 1;
        r.push(res('Cluster', cluster, { pod, hypervisor: 'Simulator', ...(c % 5 === 2 ? { overcommit: { cpu: 2 } } : {}) }));
        for (let h = 1; h <= 50; h++) {
          r.push(res('Host', `${cluster}-h${h}`, { cluster, url: `sim://${cluster}/h${h}`, cpuCores: ssd ? 64 : 48, cpuMhz: ssd ? 2600 : 2400, memoryMiB: ssd ? 524288 : 393216, ...(ssd ? { tags: ['ssd'] } : {}) }));
        }
        r.push(res('PrimaryStorage', `${cluster}-ps`, { scope: 'Cluster', cluster, url: `sim://${cluster}-ps`, capacityGiB: 65536, ...(ssd ? { tags: ['ssd'] } : {}) }));
      }
    }
  }
  for (let a = 1; a <= 1000; a++) {
    const account = `acct-${a}`;
    r.push(res('Account', account, { domain: `region-${(a % 10) + 1}`, limits: { vms: 500 } }));
    for (let n = 1; n <= 5; n++) {
      const g = (a - 1) * 5 + n;
      const zone = `zone${(g % 2) + 1}`;
      const prefix = `10.${(g % 2) * 128 + (g >> 8)}.${g & 255}`;
      r.push(res('Network', `net-${n}`, { zone, type: 'Isolated', cidr: `${prefix}.0/24`, gateway: `${prefix}.1`, vlan: 'auto' }, account));
      for (let v = 1; v <= 50; v++) {
        const mix = (a * 7919 + n * 104729 + v * 1299709) % 100;
        r.push(
          res(
            'VirtualMachine',
            `vm-${n}-${v}`,
            {
              zone,
              serviceOffering: mix < 50 ? 'small' : mix < 80 ? 'medium' : mix < 95 ? 'large' : 'large-ssd',
              template: 'debian-12',
              networks: [v % 10 === 7 ? { network: `net-${n}` } : { network: `net-${n}`, ip: `${prefix}.${10 + v}` }],
              state: mix % 7 === 0 ? 'Stopped' : 'Running',
              ...(mix % 3 === 0 ? { rootDiskGiB: 20 } : {}),
            },
            account,
          ),
        );
      }
    }
  }
  return { revision: 'bench', resources: r };
}

/** The world a plan from nothing makes, built directly (the fake world's linear lookups are for small tests). */
export function worldOf(p: Plan): ObservedResource[] {
  return p.actions.map((a, i) => {
    const status: Record<string, unknown> = {};
    if (a.kind === 'VirtualMachine') {
      status.state = a.spec?.state ?? 'Running';
      status.host = a.placement?.host;
      status.storage = a.placement?.storage;
    } else if (a.kind === 'Host') status.state = 'Up';
    else if (a.kind === 'Network') status.vlan = 100 + (i % 3000);
    return { kind: a.kind, name: a.name, owner: a.owner, externalId: `sim-${i}`, managed: true, spec: a.spec!, status };
  });
}

