/**
 * The provider contract suite (test/providers/contract.ts, unchanged) against the libvirt provider
 * on a private libvirtd: real domains, pools, volumes and networks.
 */
import path from 'node:path';
import { FaultInjectingProvider } from '../support/libvirt/fault-injecting-provider.js';
import { providerContract } from './contract.js';
import { ACME, action, newProvider, seed, vmSpec, useLibvirtSuite } from '../support/libvirt/provider-fixture.js';
import type { LibvirtProvider } from '../../providers/libvirt/libvirt-provider.js';

const suite = useLibvirtSuite();

type Faulty = FaultInjectingProvider<LibvirtProvider>;

providerContract('libvirt', () => new FaultInjectingProvider(newProvider(suite.fixture)), {
  prepare: (p) => seed((p as Faulty).inner, suite.daemon, suite.fixture),
  subjects: [
    { kind: 'Volume', name: 'vol-contract', owner: ACME, spec: { zone: 'z1', sizeGiB: 1 }, updatedSpec: { zone: 'z1', sizeGiB: 2 } },
    {
      kind: 'Network',
      name: 'net-contract',
      owner: ACME,
      spec: { zone: 'z1', type: 'Isolated', cidr: '10.9.0.0/24', gateway: '10.9.0.1' },
      updatedSpec: { zone: 'z1', type: 'Isolated', cidr: '10.9.0.0/24', gateway: '10.9.0.1', networkDomain: 'contract.internal' },
    },
    {
      kind: 'Template',
      name: 'tpl-contract',
      get spec() {
        return { url: suite.fixture.template.url, checksum: suite.fixture.template.checksum, format: 'QCOW2', hypervisor: 'KVM' };
      },
      get updatedSpec() {
        return { url: suite.fixture.template.url, checksum: suite.fixture.template.checksum, format: 'QCOW2', hypervisor: 'KVM', osType: 'none' };
      },
    },
    {
      kind: 'PrimaryStorage',
      name: 'ps-contract',
      get spec() {
        return { scope: 'Cluster', cluster: 'c1', url: `dir://${path.join(suite.fixture.dir, 'ps-contract')}` };
      },
      get updatedSpec() {
        return { scope: 'Cluster', cluster: 'c1', url: `dir://${path.join(suite.fixture.dir, 'ps-contract')}`, tags: ['ssd'] };
      },
    },
    {
      kind: 'SecurityGroup',
      name: 'sg-contract',
      owner: ACME,
      spec: { ingress: [{ protocol: 'tcp', ports: '22', cidrs: ['10.0.0.0/8'] }] },
      updatedSpec: { ingress: [{ protocol: 'tcp', ports: '443', cidrs: ['0.0.0.0/0'] }], egress: [{ protocol: 'all', cidrs: ['0.0.0.0/0'] }] },
    },
    { kind: 'VirtualMachine', name: 'vm-contract', owner: ACME, spec: vmSpec(), updatedSpec: vmSpec({ displayName: 'Contract VM' }), placement: { host: 'h1', storage: 'ps1' } },
  ],
  powerSubject: { kind: 'VirtualMachine', name: 'vm-power', owner: ACME, spec: vmSpec(), updatedSpec: vmSpec(), placement: { host: 'h1', storage: 'ps1' } },
  injectFaults: async (p, f) => (p as Faulty).setFaults(f),
  clearFaults: async (p) => (p as Faulty).setFaults({}),
  get invalidActions() {
    return [
      action('create', 'VirtualMachine', 'vm-no-offering', ACME, { spec: vmSpec({ serviceOffering: 'huge' }), placement: { host: 'h1' } }),
      action('create', 'VirtualMachine', 'vm-nowhere', ACME, { spec: vmSpec(), placement: { host: 'no-such-host' } }),
      action('create', 'Template', 'tpl-bad-sum', undefined, { spec: { url: suite.fixture.template.url, checksum: `sha256:${'0'.repeat(64)}`, format: 'QCOW2', hypervisor: 'KVM' } }),
      action('create', 'PrimaryStorage', 'ps-nfs', undefined, { spec: { scope: 'Cluster', cluster: 'c1', url: 'nfs://10.0.0.1/export' } }),
      action('start', 'Network', 'net1', ACME),
      action('create', 'Snapshot', 'snap', ACME, { spec: {} }),
      action('create', 'VirtualMachine', 'vm-two-groups', ACME, { spec: vmSpec({ securityGroups: ['a', 'b'] }), placement: { host: 'h1', storage: 'ps1' } }),
    ];
  },
  dispose: async () => suite.daemon.wipe(),
});
