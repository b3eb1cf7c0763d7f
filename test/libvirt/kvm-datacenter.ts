/**
 * The example data center as a one-host KVM variant (issue 5's end-to-end), written over what
 * `cairn init` made: cluster c1 is KVM with the private daemon's host, storage is a dir pool,
 * the template a tiny qcow2 with its real sha256, offerings of 64 MiB, web-ip with the example's
 * firewall rule, port forward, load balancer and egress rule. The snapshot (not served by the
 * libvirt provider yet) is left out, and so is the anti-affinity of web-1 and web-2, which one host
 * cannot honour.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TinyTemplate } from '../support/libvirt/tiny-template.js';

export function writeKvmDatacenter(repo: string, opts: { uri: string; poolDir: string; template: TinyTemplate }): void {
  const root = path.join(repo, fs.existsSync(path.join(repo, 'desired-state')) ? 'desired-state' : '');
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  for (const f of ['infrastructure/zone1.yaml', 'catalog/offerings.yaml', 'tenants/acme/network.yaml', 'tenants/acme/vms.yaml']) {
    if (!fs.existsSync(path.join(root, f))) throw new Error(`cairn init no longer writes ${f}: update this variant`);
  }
  write(
    'infrastructure/zone1.yaml',
    `apiVersion: cairn.dev/v1
kind: Zone
metadata: { name: zone1 }
spec:
  networkType: Advanced
  guestCidr: 10.1.0.0/16
  publicIpRanges:
    - { startIp: 192.168.2.2, endIp: 192.168.2.200, netmask: 255.255.255.0, gateway: 192.168.2.1, vlan: 50 }
  physicalNetworks:
    - { name: pnet0, isolation: VLAN, vlanRange: 100-200, trafficTypes: [Guest, Management, Public] }
---
apiVersion: cairn.dev/v1
kind: Pod
metadata: { name: pod1 }
spec: { zone: zone1, gateway: 172.16.15.1, netmask: 255.255.255.0, startIp: 172.16.15.2, endIp: 172.16.15.200 }
---
apiVersion: cairn.dev/v1
kind: Cluster
metadata: { name: c1 }
spec: { pod: pod1, hypervisor: KVM }
---
apiVersion: cairn.dev/v1
kind: Host
metadata: { name: kvm1 }
spec:
  cluster: c1
  url: "${opts.uri}"
  tags: [ssd]
---
apiVersion: cairn.dev/v1
kind: PrimaryStorage
metadata: { name: ps1 }
spec: { scope: Cluster, cluster: c1, url: "dir://${opts.poolDir}", tags: [ssd] }
`,
  );
  write(
    'catalog/offerings.yaml',
    `apiVersion: cairn.dev/v1
kind: ServiceOffering
metadata: { name: small }
spec: { cpuCores: 1, cpuMhz: 500, memoryMiB: 64 }
---
apiVersion: cairn.dev/v1
kind: ServiceOffering
metadata: { name: large-ssd }
spec: { cpuCores: 1, cpuMhz: 500, memoryMiB: 64, hostTags: [ssd], storageTags: [ssd] }
---
apiVersion: cairn.dev/v1
kind: DiskOffering
metadata: { name: data-50 }
spec: { sizeGiB: 1 }
---
apiVersion: cairn.dev/v1
kind: Template
metadata: { name: debian-12 }
spec:
  url: "${opts.template.url}"
  checksum: "${opts.template.checksum}"
  format: QCOW2
  hypervisor: KVM
  zones: [zone1]
`,
  );
  write(
    'tenants/acme/network.yaml',
    `apiVersion: cairn.dev/v1
kind: Network
metadata: { name: web-net, account: acme }
spec: { zone: zone1, type: Isolated, cidr: 10.1.1.0/24, gateway: 10.1.1.1 }
---
apiVersion: cairn.dev/v1
kind: SecurityGroup
metadata: { name: web-sg, account: acme }
spec:
  ingress:
    - { protocol: tcp, ports: "80", cidrs: [0.0.0.0/0] }
    - { protocol: tcp, ports: "22", cidrs: [10.0.0.0/8] }
  egress:
    - { protocol: all, cidrs: [0.0.0.0/0] }
---
apiVersion: cairn.dev/v1
kind: PublicIp
metadata: { name: web-ip, account: acme }
spec: { zone: zone1, network: web-net, address: auto }
---
apiVersion: cairn.dev/v1
kind: FirewallRule
metadata: { name: web-http, account: acme }
spec: { publicIp: web-ip, protocol: tcp, ports: "80", cidrs: [0.0.0.0/0] }
---
apiVersion: cairn.dev/v1
kind: PortForward
metadata: { name: web-1-ssh, account: acme }
spec: { publicIp: web-ip, protocol: tcp, publicPort: 2222, vm: web-1, privatePort: 22 }
---
apiVersion: cairn.dev/v1
kind: LoadBalancer
metadata: { name: web-lb, account: acme }
spec: { publicIp: web-ip, protocol: tcp, publicPort: 80, privatePort: 80, algorithm: roundrobin, vms: [web-1, web-2] }
---
apiVersion: cairn.dev/v1
kind: EgressRule
metadata: { name: web-out, account: acme }
spec: { network: web-net, protocol: all, cidrs: [0.0.0.0/0] }
`,
  );
  write('tenants/acme/vms.yaml', vmsYaml(true));
}

/** The VMs and the data volume; without db-1 (and its volume) when `withDb` is false. */
export function vmsYaml(withDb: boolean): string {
  const vm = (name: string, offering: string, ip?: string, sg?: string) => `apiVersion: cairn.dev/v1
kind: VirtualMachine
metadata: { name: ${name}, account: acme }
spec:
  zone: zone1
  serviceOffering: ${offering}
  template: debian-12
  networks: [ { network: web-net${ip ? `, ip: ${ip}` : ''} } ]
${sg ? `  securityGroups: [${sg}]\n` : ''}  state: Running
`;
  const docs = [vm('web-1', 'small', '10.1.1.10', 'web-sg'), vm('web-2', 'small')];
  if (withDb)
    docs.push(
      vm('db-1', 'large-ssd', '10.1.1.20'),
      `apiVersion: cairn.dev/v1
kind: Volume
metadata: { name: db-1-data, account: acme }
spec: { zone: zone1, diskOffering: data-50, attachTo: db-1 }
`,
    );
  return docs.join('---\n');
}
