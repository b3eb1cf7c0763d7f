/**
 * The Marvin fields cairn knows, per object of a Marvin config (spellings from Marvin's
 * configGenerator.py and the configs shipped in apache/cloudstack setup/dev and
 * tools/marvin/marvin/config). A field is either imported, known but deliberately not imported
 * (with the reason the user is told), or unknown (reported as such). Nothing is dropped silently.
 */
export interface MarvinObjectFields {
  imported: readonly string[];
  /** Field -> why it is not imported. Reported only when the value is not empty. */
  notImported: Readonly<Record<string, string>>;
}

const MARVIN_FILLS_IN = 'Marvin fills in ids at deploy time; cairn uses the nesting instead';
const VCENTER = 'vCenter registration and its credentials are not imported; cairn reaches VMware hosts through libvirt';
const NO_LABELS = 'per-hypervisor network labels (bridge names) are not modelled in cairn';

/** Top-level settings of Marvin's own test harness: they configure Marvin, not the data center. */
export const HARNESS_FIELDS: Readonly<Record<string, string>> = {
  dbSvr: 'database of the management server',
  mgtSvr: 'management server to drive',
  globalConfig: 'CloudStack global settings',
  logger: 'Marvin log settings',
  TestData: 'Marvin test data',
  ApiLoadCfg: 'Marvin API loader settings',
};

export const ROOT_FIELDS: MarvinObjectFields = {
  imported: ['zones'],
  notImported: { s3: 'an S3 image store; cairn has no object-store secondary storage' },
};

export const ZONE_FIELDS: MarvinObjectFields = {
  imported: [
    'name', 'networktype', 'securitygroupenabled', 'dns1', 'dns2', 'internaldns1', 'internaldns2',
    'guestcidraddress', 'physical_networks', 'ipranges', 'pods', 'secondaryStorages', 'primaryStorages',
  ],
  notImported: {
    localstorageenabled: 'cairn has no zone-wide local-storage switch',
    domain: 'the guest network domain suffix has no Zone field in cairn',
    cacheStorages: 'staging stores for object-store secondary storage have no cairn equivalent',
    vmwaredc: VCENTER,
    providers: 'network service providers are not modelled in cairn',
    enabled: 'cairn has no zone allocation state; a declared zone is managed',
    details: 'zone details have no cairn equivalent',
    networkofferingname: "offering of Marvin's automatic guest network; declare Network resources in cairn instead",
    baremetalrcturl: 'baremetal is not a cairn hypervisor',
    vlan: "legacy zone-level VLAN range, which current Marvin ignores; set vlan on the physical network",
    zoneid: MARVIN_FILLS_IN,
  },
};

export const PHYSICAL_NETWORK_FIELDS: MarvinObjectFields = {
  imported: ['name', 'vlan', 'isolationmethods', 'traffictypes'],
  notImported: {
    providers: 'network service providers are not modelled in cairn',
    broadcastdomainrange: 'a cairn physical network always spans its zone',
    tags: 'physical network tags are not modelled in cairn',
    zoneid: MARVIN_FILLS_IN,
  },
};

export const TRAFFIC_TYPE_FIELDS: MarvinObjectFields = {
  imported: ['typ'],
  notImported: {
    xen: NO_LABELS, kvm: NO_LABELS, vmware: NO_LABELS, simulator: NO_LABELS,
    hyperv: NO_LABELS, ovm3: NO_LABELS, lxc: NO_LABELS,
  },
};

export const IP_RANGE_FIELDS: MarvinObjectFields = {
  imported: ['startip', 'endip', 'netmask', 'gateway', 'vlan'],
  notImported: {
    account: 'dedicating a range to an account is not imported',
    domain: 'dedicating a range to a domain is not imported',
    domainid: 'dedicating a range to a domain is not imported',
  },
};

export const POD_FIELDS: MarvinObjectFields = {
  imported: ['name', 'gateway', 'netmask', 'startip', 'endip', 'clusters'],
  notImported: {
    guestIpRanges: 'Basic-zone guest IP ranges belong to a Shared Network in cairn; declare one',
    vmwaredc: VCENTER,
    zoneid: MARVIN_FILLS_IN,
  },
};

export const CLUSTER_FIELDS: MarvinObjectFields = {
  imported: ['clustername', 'hypervisor', 'hosts', 'primaryStorages'],
  notImported: {
    clustertype: 'cairn manages every cluster itself (CloudManaged)',
    url: VCENTER,
    username: VCENTER,
    password: VCENTER,
    zoneid: MARVIN_FILLS_IN,
    podid: MARVIN_FILLS_IN,
  },
};

export const HOST_FIELDS: MarvinObjectFields = {
  imported: ['url', 'username', 'password', 'cpunumber', 'cpuspeed', 'memory', 'hosttags'],
  notImported: {
    hypervisor: "the cluster's hypervisor applies to its hosts",
    hostmac: 'used by baremetal hosts only',
    zoneid: MARVIN_FILLS_IN,
    podid: MARVIN_FILLS_IN,
    clusterid: MARVIN_FILLS_IN,
    clustername: MARVIN_FILLS_IN,
  },
};

export const PRIMARY_STORAGE_FIELDS: MarvinObjectFields = {
  imported: ['name', 'url', 'scope', 'tags'],
  notImported: {
    details: 'storage driver details are not imported',
    hypervisor: 'cairn does not restrict primary storage to a hypervisor',
    provider: 'cairn infers the storage driver from the URL scheme',
  },
};

export const SECONDARY_STORAGE_FIELDS: MarvinObjectFields = {
  imported: ['url'],
  notImported: {
    provider: 'cairn infers the protocol from the URL scheme',
    details: 'provider details (they may hold keys) are not imported',
    name: 'cairn names secondary storage <zone>-ss<N>',
  },
};
