/* eslint-disable */
/**
 * GENERATED FILE, DO NOT EDIT.
 * Source: schemas/*.schema.json. Regenerate with `npm run generate`; `npm run check:generated` fails when stale.
 * Defaults (`@default`) are documentation: nothing applies them at validation time.
 */

/**
 * Any cairn.dev/v1 document.
 */
export type CairnDocument =
  | Zone
  | Pod
  | Cluster
  | Host
  | PrimaryStorage
  | SecondaryStorage
  | ServiceOffering
  | DiskOffering
  | Template
  | Domain
  | Account
  | Project
  | Network
  | Vpc
  | NetworkAcl
  | SecurityGroup
  | FirewallRule
  | EgressRule
  | PortForward
  | PublicIp
  | LoadBalancer
  | VirtualMachine
  | Volume
  | Snapshot
  | AffinityGroup;

/**
 * A zone: the largest unit of deployment, with its physical networks, public IP ranges and guest CIDR (CloudStack zone).
 */
export interface Zone {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always Zone.
   */
  kind: 'Zone';
  /**
   * Name, labels and annotations.
   */
  metadata: GlobalMetadata;
  spec: ZoneSpec;
}
/**
 * Desired state of the zone.
 */
export interface ZoneSpec {
  /**
   * Advanced | Basic. Advanced zones have isolated guest networks and VPCs; Basic zones one flat shared network.
   */
  networkType: 'Advanced' | 'Basic';
  /**
   * Whether security groups isolate guests (Basic zones usually set this to true).
   *
   * @default false
   */
  securityGroups?: boolean;
  /**
   * Public DNS servers handed to guests.
   *
   * @minItems 1
   * @maxItems 2
   *
   * Items: A DNS server address.
   */
  dns?: Ipv4Address[];
  /**
   * DNS servers used by system VMs and hosts.
   *
   * @minItems 1
   * @maxItems 2
   *
   * Items: A DNS server address.
   */
  internalDns?: Ipv4Address[];
  /**
   * Default CIDR from which isolated guest networks are carved, e.g. 10.1.0.0/16.
   */
  guestCidr?: Cidr;
  /**
   * Physical networks of the zone and the traffic each carries.
   */
  physicalNetworks?: PhysicalNetwork[];
  /**
   * Public IP ranges from which PublicIp addresses and source NAT addresses are allocated.
   */
  publicIpRanges?: PublicIpRange[];
}
/**
 * A physical network.
 */
export interface PhysicalNetwork {
  /**
   * Name of the physical network, unique in the zone.
   */
  name: ResourceName;
  /**
   * Guest isolation method: VLAN | VXLAN | L3.
   *
   * @default "VLAN"
   */
  isolation?: 'VLAN' | 'VXLAN' | 'L3';
  /**
   * VLAN (or VXLAN VNI) range available to guest networks, e.g. 100-200.
   */
  vlanRange?: string;
  /**
   * Traffic carried: Guest | Management | Public | Storage.
   *
   * @minItems 1
   *
   * Items: A traffic type.
   */
  trafficTypes: ('Guest' | 'Management' | 'Public' | 'Storage')[];
}
/**
 * A range of public IP addresses.
 */
export interface PublicIpRange {
  /**
   * First address of the range.
   */
  startIp: Ipv4Address;
  /**
   * Last address of the range (inclusive).
   */
  endIp: Ipv4Address;
  /**
   * Netmask of the public network, e.g. 255.255.255.0.
   */
  netmask: Ipv4Address;
  /**
   * Gateway of the public network.
   */
  gateway: Ipv4Address;
  /**
   * VLAN id of the public network; omitted means untagged.
   */
  vlan?: number;
}
/**
 * A pod: a rack-like group of clusters sharing a management subnet, inside a zone (CloudStack pod).
 */
export interface Pod {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always Pod.
   */
  kind: 'Pod';
  /**
   * Name, labels and annotations.
   */
  metadata: GlobalMetadata;
  spec: PodSpec;
}
/**
 * Desired state of the pod.
 */
export interface PodSpec {
  /**
   * Zone the pod belongs to.
   *
   * @reference Zone
   */
  zone: string;
  /**
   * Gateway of the pod's management network.
   */
  gateway: Ipv4Address;
  /**
   * Netmask of the pod's management network.
   */
  netmask: Ipv4Address;
  /**
   * First management address reserved for system VMs.
   */
  startIp: Ipv4Address;
  /**
   * Last management address reserved for system VMs (inclusive).
   */
  endIp: Ipv4Address;
}
/**
 * A cluster: hosts of one hypervisor type that share primary storage, inside a pod (CloudStack cluster).
 */
export interface Cluster {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always Cluster.
   */
  kind: 'Cluster';
  /**
   * Name, labels and annotations.
   */
  metadata: GlobalMetadata;
  spec: ClusterSpec;
}
/**
 * Desired state of the cluster.
 */
export interface ClusterSpec {
  /**
   * Pod the cluster belongs to.
   *
   * @reference Pod
   */
  pod: string;
  /**
   * Hypervisor of every host in the cluster: Simulator | KVM | XenServer | VMware.
   */
  hypervisor: Hypervisor;
  overcommit?: Overcommit;
}
/**
 * Overcommit ratios used when placing VMs on the cluster's hosts.
 */
export interface Overcommit {
  /**
   * CPU overcommit ratio (1 = none).
   *
   * @default 1
   */
  cpu?: number;
  /**
   * Memory overcommit ratio (1 = none).
   *
   * @default 1
   */
  memory?: number;
}
/**
 * A hypervisor host inside a cluster (CloudStack host).
 */
export interface Host {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always Host.
   */
  kind: 'Host';
  /**
   * Name, labels and annotations.
   */
  metadata: GlobalMetadata;
  spec: HostSpec;
}
/**
 * Desired state of the host.
 */
export interface HostSpec {
  /**
   * Cluster the host belongs to.
   *
   * @reference Cluster
   */
  cluster: string;
  /**
   * How cairn reaches the host, e.g. sim://c1/h1, qemu+ssh://root@10.0.0.11/system or qemu+unix:///system?socket=...
   */
  url: ResourceUrl;
  /**
   * Physical CPU cores (required for Simulator hosts; observed on real hosts).
   */
  cpuCores?: number;
  /**
   * Speed of one core, in MHz (required for Simulator hosts; observed on real hosts).
   */
  cpuMhz?: number;
  /**
   * Memory, in MiB (required for Simulator hosts; observed on real hosts).
   */
  memoryMiB?: number;
  /**
   * Host tags matched against service offering hostTags.
   */
  tags?: Tags;
  /**
   * Allocation state: Enabled | Disabled | Maintenance.
   *
   * @default "Enabled"
   */
  state?: 'Enabled' | 'Disabled' | 'Maintenance';
  /**
   * User name for connecting to the host, when the URL needs one.
   */
  username?: string;
  /**
   * Where to read the host password: { env: VAR } or { file: PATH }; never the password itself.
   */
  passwordFrom?: SecretSource;
}
/**
 * A primary storage pool holding root disks and volumes, cluster-wide or zone-wide (CloudStack primary storage).
 */
export interface PrimaryStorage {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always PrimaryStorage.
   */
  kind: 'PrimaryStorage';
  /**
   * Name, labels and annotations.
   */
  metadata: GlobalMetadata;
  spec: PrimaryStorageSpec;
}
/**
 * Desired state of the storage pool.
 */
export interface PrimaryStorageSpec {
  /**
   * Cluster: used by one cluster (set cluster) | Zone: used by every cluster of a zone (set zone).
   */
  scope: 'Cluster' | 'Zone';
  /**
   * Cluster using the pool; required when scope is Cluster, forbidden otherwise.
   *
   * @reference Cluster
   */
  cluster?: string;
  /**
   * Zone using the pool; required when scope is Zone, forbidden otherwise.
   *
   * @reference Zone
   */
  zone?: string;
  /**
   * Location of the pool, e.g. sim://ps1, dir:///var/lib/cairn/ps1, nfs://host/export/path, rbd://pool.
   */
  url: ResourceUrl;
  /**
   * Capacity in GiB (required for simulated pools; observed on real ones).
   */
  capacityGiB?: number;
  /**
   * Storage tags matched against offering storageTags.
   */
  tags?: Tags;
  /**
   * Retain (default) | Delete: what happens to the real object when the document is removed from git.
   *
   * @default "Retain"
   */
  deletionPolicy?: DeletionPolicy;
}
/**
 * A secondary storage (image store) holding templates, ISOs and snapshots for a zone (CloudStack secondary storage).
 */
export interface SecondaryStorage {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always SecondaryStorage.
   */
  kind: 'SecondaryStorage';
  /**
   * Name, labels and annotations.
   */
  metadata: GlobalMetadata;
  spec: SecondaryStorageSpec;
}
/**
 * Desired state of the image store.
 */
export interface SecondaryStorageSpec {
  /**
   * Zone served by the image store.
   *
   * @reference Zone
   */
  zone: string;
  /**
   * Location of the store, e.g. sim://ss1, nfs://host/export/secondary, dir:///var/lib/cairn/images.
   */
  url: ResourceUrl;
  /**
   * Retain (default) | Delete: what happens to the real object when the document is removed from git.
   *
   * @default "Retain"
   */
  deletionPolicy?: DeletionPolicy;
}
/**
 * A compute offering: the CPU and memory size of a VM (CloudStack service offering).
 */
export interface ServiceOffering {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always ServiceOffering.
   */
  kind: 'ServiceOffering';
  /**
   * Name, labels and annotations.
   */
  metadata: GlobalMetadata;
  spec: ServiceOfferingSpec;
}
/**
 * Desired state of the offering.
 */
export interface ServiceOfferingSpec {
  /**
   * Virtual CPU cores.
   */
  cpuCores: number;
  /**
   * Speed of each virtual core, in MHz.
   */
  cpuMhz: number;
  /**
   * Memory, in MiB.
   */
  memoryMiB: number;
  /**
   * VMs of this offering only run on hosts carrying all these tags.
   */
  hostTags?: Tags;
  /**
   * Root disks of this offering only go to primary storage carrying all these tags.
   */
  storageTags?: Tags;
  /**
   * Restart the VM on another host when its host fails.
   *
   * @default false
   */
  ha?: boolean;
}
/**
 * A disk offering: the size and placement of a data volume (CloudStack disk offering).
 */
export interface DiskOffering {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always DiskOffering.
   */
  kind: 'DiskOffering';
  /**
   * Name, labels and annotations.
   */
  metadata: GlobalMetadata;
  spec: DiskOfferingSpec;
}
/**
 * Desired state of the offering.
 */
export interface DiskOfferingSpec {
  /**
   * Size of volumes created from this offering, in GiB.
   */
  sizeGiB: number;
  /**
   * Volumes of this offering only go to primary storage carrying all these tags.
   */
  storageTags?: Tags;
}
/**
 * A VM template (disk image or ISO) registered in one or more zones (CloudStack template).
 */
export interface Template {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always Template.
   */
  kind: 'Template';
  /**
   * Name, labels and annotations.
   */
  metadata: GlobalMetadata;
  spec: TemplateSpec;
}
/**
 * Desired state of the template.
 */
export interface TemplateSpec {
  /**
   * Where to fetch the image: http(s)://, file://, sim:// or a path on secondary storage.
   */
  url: string;
  /**
   * Expected checksum of the image, "<algorithm>:<hex>", e.g. sha256:7d1a...
   */
  checksum?: string;
  /**
   * Image format: QCOW2 | RAW | VHD | OVA | ISO.
   */
  format: 'QCOW2' | 'RAW' | 'VHD' | 'OVA' | 'ISO';
  /**
   * Guest OS type, e.g. "Debian GNU/Linux 12 (64-bit)".
   */
  osType?: string;
  /**
   * Hypervisor the image is for: Simulator | KVM | XenServer | VMware.
   */
  hypervisor: Hypervisor;
  /**
   * Virtual size of the image, in GiB (the minimum root disk size).
   */
  sizeGiB?: number;
  /**
   * Zones the template is registered in; omitted means every zone.
   */
  zones?: string[];
  /**
   * Retain (default) | Delete: what happens to the real object when the document is removed from git.
   *
   * @default "Retain"
   */
  deletionPolicy?: DeletionPolicy;
}
/**
 * A domain: a node in the tree that groups accounts and projects. The ROOT domain always exists implicitly (CloudStack domain).
 */
export interface Domain {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always Domain.
   */
  kind: 'Domain';
  /**
   * Name, labels and annotations.
   */
  metadata: GlobalMetadata;
  spec: DomainSpec;
}
/**
 * Desired state of the domain.
 */
export interface DomainSpec {
  /**
   * Parent domain; ROOT (the implicit root domain) when omitted.
   *
   * @default "ROOT"
   * @reference Domain
   */
  parent?: string;
}
/**
 * An account: the owner of tenant resources, inside a domain (CloudStack account).
 */
export interface Account {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always Account.
   */
  kind: 'Account';
  /**
   * Name, labels and annotations.
   */
  metadata: GlobalMetadata;
  spec: AccountSpec;
}
/**
 * Desired state of the account.
 */
export interface AccountSpec {
  /**
   * Domain of the account; ROOT (the implicit root domain) when omitted.
   *
   * @default "ROOT"
   * @reference Domain
   */
  domain?: string;
  /**
   * Account type: User | DomainAdmin | Admin.
   *
   * @default "User"
   */
  type?: 'User' | 'DomainAdmin' | 'Admin';
  /**
   * Resource limits of the account; an omitted limit is unlimited.
   */
  limits?: ResourceLimits;
}
/**
 * A project: a tenant shared by several accounts, inside a domain (CloudStack project).
 */
export interface Project {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always Project.
   */
  kind: 'Project';
  /**
   * Name, labels and annotations.
   */
  metadata: GlobalMetadata;
  spec: ProjectSpec;
}
/**
 * Desired state of the project.
 */
export interface ProjectSpec {
  /**
   * Domain of the project; ROOT (the implicit root domain) when omitted.
   *
   * @default "ROOT"
   * @reference Domain
   */
  domain?: string;
  /**
   * Human-readable description of the project.
   */
  description?: string;
  /**
   * Resource limits of the project; an omitted limit is unlimited.
   */
  limits?: ResourceLimits;
}
/**
 * A guest network: Isolated (routed, with its own virtual router), Shared or L2 (CloudStack guest network).
 */
export interface Network {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always Network.
   */
  kind: 'Network';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: NetworkSpec;
}
/**
 * Desired state of the network.
 */
export interface NetworkSpec {
  /**
   * Zone of the network.
   *
   * @reference Zone
   */
  zone: string;
  /**
   * Isolated | Shared | L2.
   */
  type: 'Isolated' | 'Shared' | 'L2';
  /**
   * Guest CIDR; required for Isolated and Shared networks, forbidden for L2.
   */
  cidr?: Cidr;
  /**
   * Gateway address inside cidr; the first address of cidr when omitted. Forbidden for L2.
   */
  gateway?: Ipv4Address;
  /**
   * "auto" (allocated from the zone's vlanRange) or a VLAN id inside the zone's vlanRange.
   *
   * @default "auto"
   */
  vlan?: 'auto' | number;
  /**
   * VPC the network is a tier of; its cidr must lie inside the VPC's cidr.
   *
   * @reference Vpc
   */
  vpc?: string;
  /**
   * Network ACL applied to this VPC tier; requires vpc.
   *
   * @reference NetworkAcl
   */
  acl?: string;
  /**
   * DNS domain given to guests of this network.
   */
  networkDomain?: NetworkDomain;
}
/**
 * A VPC: a routed super-network whose tiers are Networks (CloudStack VPC).
 */
export interface Vpc {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always Vpc.
   */
  kind: 'Vpc';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: VpcSpec;
}
/**
 * Desired state of the VPC.
 */
export interface VpcSpec {
  /**
   * Zone of the VPC.
   *
   * @reference Zone
   */
  zone: string;
  /**
   * Super-CIDR containing every tier's cidr.
   */
  cidr: Cidr;
  /**
   * DNS domain given to guests of the VPC.
   */
  networkDomain?: NetworkDomain;
}
/**
 * A network ACL: ordered allow/deny rules applied to VPC tiers (CloudStack network ACL list).
 */
export interface NetworkAcl {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always NetworkAcl.
   */
  kind: 'NetworkAcl';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: NetworkAclSpec;
}
/**
 * Desired state of the ACL.
 */
export interface NetworkAclSpec {
  /**
   * VPC the ACL belongs to.
   *
   * @reference Vpc
   */
  vpc: string;
  /**
   * Rules, evaluated in ascending number order; the first match wins.
   *
   * @default []
   */
  rules?: NetworkAclRule[];
}
/**
 * An ACL rule.
 */
export interface NetworkAclRule {
  /**
   * Rule number; unique in the ACL, lower numbers are evaluated first.
   */
  number: number;
  /**
   * Allow | Deny.
   */
  action: 'Allow' | 'Deny';
  /**
   * Ingress | Egress.
   */
  trafficType: 'Ingress' | 'Egress';
  /**
   * tcp | udp | icmp | all.
   */
  protocol: Protocol;
  /**
   * Port or port range; tcp and udp only; omitted means all ports.
   */
  ports?: PortRange;
  /**
   * Remote CIDR blocks the rule applies to.
   */
  cidrs: CidrList;
}
/**
 * A security group: stateful allow rules attached to VM interfaces (CloudStack security group).
 */
export interface SecurityGroup {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always SecurityGroup.
   */
  kind: 'SecurityGroup';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: SecurityGroupSpec;
}
/**
 * Desired state of the security group.
 */
export interface SecurityGroupSpec {
  /**
   * Allowed incoming traffic.
   *
   * @default []
   *
   * Items: An ingress rule.
   */
  ingress?: TrafficRule[];
  /**
   * Allowed outgoing traffic.
   *
   * @default []
   *
   * Items: An egress rule.
   */
  egress?: TrafficRule[];
}
/**
 * An ingress firewall rule on a public IP (CloudStack firewall rule).
 */
export interface FirewallRule {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always FirewallRule.
   */
  kind: 'FirewallRule';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: FirewallRuleSpec;
}
/**
 * Desired state of the rule.
 */
export interface FirewallRuleSpec {
  /**
   * Public IP the rule opens.
   *
   * @reference PublicIp
   */
  publicIp: string;
  /**
   * tcp | udp | icmp | all.
   */
  protocol: Protocol;
  /**
   * Port or port range; tcp and udp only; omitted means all ports.
   */
  ports?: PortRange;
  /**
   * Source CIDR blocks allowed in.
   */
  cidrs: CidrList;
}
/**
 * An egress rule of an isolated network (CloudStack egress firewall rule).
 */
export interface EgressRule {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always EgressRule.
   */
  kind: 'EgressRule';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: EgressRuleSpec;
}
/**
 * Desired state of the rule.
 */
export interface EgressRuleSpec {
  /**
   * Network whose outgoing traffic the rule allows.
   *
   * @reference Network
   */
  network: string;
  /**
   * tcp | udp | icmp | all.
   */
  protocol: Protocol;
  /**
   * Port or port range; tcp and udp only; omitted means all ports.
   */
  ports?: PortRange;
  /**
   * Destination CIDR blocks allowed out.
   */
  cidrs: CidrList;
}
/**
 * A port-forwarding rule from a public IP port to a VM port (CloudStack port forwarding rule).
 */
export interface PortForward {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always PortForward.
   */
  kind: 'PortForward';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: PortForwardSpec;
}
/**
 * Desired state of the rule.
 */
export interface PortForwardSpec {
  /**
   * Public IP receiving the traffic.
   *
   * @reference PublicIp
   */
  publicIp: string;
  /**
   * tcp | udp.
   */
  protocol: 'tcp' | 'udp';
  /**
   * Port on the public IP.
   */
  publicPort: Port;
  /**
   * VM receiving the traffic.
   *
   * @reference VirtualMachine
   */
  vm: string;
  /**
   * Port on the VM.
   */
  privatePort: Port;
}
/**
 * A public IP address acquired from the zone's public ranges for a network (CloudStack public IP address).
 */
export interface PublicIp {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always PublicIp.
   */
  kind: 'PublicIp';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: PublicIpSpec;
}
/**
 * Desired state of the address.
 */
export interface PublicIpSpec {
  /**
   * Zone whose public IP ranges the address comes from.
   *
   * @reference Zone
   */
  zone: string;
  /**
   * Network the address is associated with.
   *
   * @reference Network
   */
  network?: string;
  /**
   * "auto" (allocated from the zone's publicIpRanges) or a specific address inside them.
   *
   * @default "auto"
   */
  address?: 'auto' | string;
}
/**
 * A load-balancing rule on a public IP spreading traffic over VMs (CloudStack load balancer rule).
 */
export interface LoadBalancer {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always LoadBalancer.
   */
  kind: 'LoadBalancer';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: LoadBalancerSpec;
}
/**
 * Desired state of the rule.
 */
export interface LoadBalancerSpec {
  /**
   * Public IP receiving the traffic.
   *
   * @reference PublicIp
   */
  publicIp: string;
  /**
   * tcp | udp.
   *
   * @default "tcp"
   */
  protocol?: 'tcp' | 'udp';
  /**
   * Port on the public IP.
   */
  publicPort: Port;
  /**
   * Port on the member VMs.
   */
  privatePort: Port;
  /**
   * roundrobin | leastconn | source.
   *
   * @default "roundrobin"
   */
  algorithm?: 'roundrobin' | 'leastconn' | 'source';
  /**
   * Member VMs.
   *
   * @default []
   */
  vms?: string[];
}
/**
 * A virtual machine (CloudStack VM instance).
 */
export interface VirtualMachine {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always VirtualMachine.
   */
  kind: 'VirtualMachine';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: VirtualMachineSpec;
}
/**
 * Desired state of the VM.
 */
export interface VirtualMachineSpec {
  /**
   * Human-readable name; the resource name when omitted.
   */
  displayName?: string;
  /**
   * Zone the VM runs in.
   *
   * @reference Zone
   */
  zone: string;
  /**
   * Compute offering (CPU and memory).
   *
   * @reference ServiceOffering
   */
  serviceOffering: string;
  /**
   * Template the root disk is created from.
   *
   * @reference Template
   */
  template: string;
  /**
   * Root disk size in GiB; the template's size when omitted.
   */
  rootDiskGiB?: number;
  /**
   * NICs, in order; the first is the default NIC.
   *
   * @minItems 1
   */
  networks: VirtualMachineNic[];
  /**
   * Security groups applied to the VM's NICs.
   */
  securityGroups?: string[];
  /**
   * Affinity groups steering host placement.
   */
  affinityGroups?: string[];
  /**
   * Cloud-init user data, plain text (cairn encodes it). Secret: redacted in logs, plans and the dashboard.
   *
   * @secret redacted in logs, plans and the dashboard
   */
  userData?: string;
  /**
   * SSH public key installed for the default user. Redacted in logs, plans and the dashboard.
   *
   * @secret redacted in logs, plans and the dashboard
   */
  sshKey?: string;
  /**
   * Running | Stopped.
   *
   * @default "Running"
   */
  state?: 'Running' | 'Stopped';
}
/**
 * A NIC.
 */
export interface VirtualMachineNic {
  /**
   * Network the NIC is attached to.
   *
   * @reference Network
   */
  network: string;
  /**
   * Fixed address inside the network's cidr; allocated when omitted.
   */
  ip?: Ipv4Address;
}
/**
 * A data volume, optionally attached to a VM (CloudStack volume).
 */
export interface Volume {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always Volume.
   */
  kind: 'Volume';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: VolumeSpec;
}
/**
 * Desired state of the volume. Exactly one of diskOffering or sizeGiB.
 */
export interface VolumeSpec {
  /**
   * Zone the volume lives in.
   *
   * @reference Zone
   */
  zone: string;
  /**
   * Disk offering giving size and placement; exactly one of diskOffering or sizeGiB.
   *
   * @reference DiskOffering
   */
  diskOffering?: string;
  /**
   * Size in GiB, for a volume without a disk offering; exactly one of diskOffering or sizeGiB.
   */
  sizeGiB?: number;
  /**
   * VM the volume is attached to; detached when omitted.
   *
   * @reference VirtualMachine
   */
  attachTo?: string;
  /**
   * Retain (default) | Delete: what happens to the real object when the document is removed from git.
   *
   * @default "Retain"
   */
  deletionPolicy?: DeletionPolicy;
}
/**
 * A snapshot of a volume, one-off or recurring (CloudStack snapshot / snapshot policy).
 */
export interface Snapshot {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always Snapshot.
   */
  kind: 'Snapshot';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: SnapshotSpec;
}
/**
 * Desired state of the snapshot.
 */
export interface SnapshotSpec {
  /**
   * Volume to snapshot.
   *
   * @reference Volume
   */
  volume: string;
  /**
   * Recurring schedule as a 5-field cron expression, e.g. "0 2 * * *"; a single snapshot when omitted.
   */
  schedule?: string;
  /**
   * How many scheduled snapshots to keep; requires schedule.
   */
  keep?: number;
  /**
   * Retain (default) | Delete: what happens to the real object when the document is removed from git.
   *
   * @default "Retain"
   */
  deletionPolicy?: DeletionPolicy;
}
/**
 * An affinity group: VMs placed together on one host or spread over distinct hosts (CloudStack affinity group).
 */
export interface AffinityGroup {
  /**
   * Always cairn.dev/v1.
   */
  apiVersion: ApiVersion;
  /**
   * Always AffinityGroup.
   */
  kind: 'AffinityGroup';
  /**
   * Name, owning account or project, labels and annotations.
   */
  metadata: TenantMetadata;
  spec: AffinityGroupSpec;
}
/**
 * Desired state of the affinity group.
 */
export interface AffinityGroupSpec {
  /**
   * host-affinity | host-anti-affinity.
   */
  type: 'host-affinity' | 'host-anti-affinity';
}

/**
 * API version of the document; always cairn.dev/v1.
 */
export type ApiVersion = 'cairn.dev/v1';
/**
 * A resource name: 1 to 63 letters, digits, ".", "_" or "-", starting and ending with a letter or digit.
 */
export type ResourceName = string;
/**
 * What happens to the real object when the document is removed from git: Retain (default) orphans it and reports it, Delete destroys it.
 *
 * @default "Retain"
 */
export type DeletionPolicy = 'Retain' | 'Delete';
/**
 * An IPv4 address, e.g. 10.1.1.10.
 */
export type Ipv4Address = string;
/**
 * An IPv4 CIDR block, e.g. 10.1.0.0/16.
 */
export type Cidr = string;
/**
 * IPv4 CIDR blocks; 0.0.0.0/0 means anywhere.
 *
 * @minItems 1
 *
 * Items: An IPv4 CIDR block, e.g. 10.0.0.0/8.
 */
export type CidrList = string[];
/**
 * A TCP or UDP port number, 1 to 65535.
 */
export type Port = number;
/**
 * A port ("80") or an inclusive port range ("8000-8080"), quoted in YAML.
 */
export type PortRange = string;
/**
 * IP protocol the rule matches: tcp | udp | icmp | all.
 */
export type Protocol = 'tcp' | 'udp' | 'icmp' | 'all';
/**
 * Free-form tags matched between offerings and hosts or storage (CloudStack host and storage tags).
 *
 * Items: A tag.
 */
export type Tags = string[];
/**
 * Hypervisor type: Simulator | KVM | XenServer | VMware.
 */
export type Hypervisor = 'Simulator' | 'KVM' | 'XenServer' | 'VMware';
/**
 * A URL with a scheme, e.g. sim://c1/h1, qemu+ssh://root@10.0.0.11/system, nfs://host/export, dir:///var/lib/cairn/ps1.
 */
export type ResourceUrl = string;
/**
 * DNS domain given to guests, e.g. acme.internal.
 */
export type NetworkDomain = string;
/**
 * Where cairn reads a secret at run time; secrets never appear in clear in git. Exactly one of env or file.
 */
export type SecretSource = SecretFromEnv | SecretFromFile;

/**
 * Every definition of common.schema.json, by its key there.
 */
export interface CommonDefinitions {
  apiVersion?: ApiVersion;
  name?: ResourceName;
  labels?: Labels;
  annotations?: Annotations;
  globalMetadata?: GlobalMetadata;
  tenantMetadata?: TenantMetadata;
  deletionPolicy?: DeletionPolicy;
  ipv4?: Ipv4Address;
  cidr?: Cidr;
  cidrList?: CidrList;
  port?: Port;
  portRange?: PortRange;
  protocol?: Protocol;
  trafficRule?: TrafficRule;
  tags?: Tags;
  hypervisor?: Hypervisor;
  url?: ResourceUrl;
  networkDomain?: NetworkDomain;
  resourceLimits?: ResourceLimits;
  secretSource?: SecretSource;
}
/**
 * Identifying key/value pairs, used by selectors and shown in plans and the dashboard.
 */
export interface Labels {
  /**
   * Label value.
   */
  [k: string]: string | undefined;
}
/**
 * Non-identifying key/value pairs for tools and people (e.g. cairn.dev/ keys that tune cairn's behaviour).
 */
export interface Annotations {
  /**
   * Annotation value.
   */
  [k: string]: string | undefined;
}
/**
 * Metadata of a global (infrastructure or catalog) resource: it belongs to no account or project.
 */
export interface GlobalMetadata {
  /**
   * Name, unique among resources of this kind.
   */
  name: ResourceName;
  /**
   * Identifying key/value pairs.
   */
  labels?: Labels;
  /**
   * Non-identifying key/value pairs.
   */
  annotations?: Annotations;
}
/**
 * Metadata of a tenant-owned resource. Exactly one of account or project must be set (checked by the loader).
 */
export interface TenantMetadata {
  /**
   * Name, unique among resources of this kind owned by the same account or project.
   */
  name: ResourceName;
  /**
   * Owning account (an Account name). Exactly one of account or project.
   */
  account?: string;
  /**
   * Owning project (a Project name). Exactly one of account or project.
   */
  project?: string;
  /**
   * Identifying key/value pairs.
   */
  labels?: Labels;
  /**
   * Non-identifying key/value pairs.
   */
  annotations?: Annotations;
}
/**
 * One allow rule: protocol, optional ports (tcp and udp only) and the remote CIDRs.
 */
export interface TrafficRule {
  /**
   * IP protocol: tcp | udp | icmp | all.
   */
  protocol: Protocol;
  /**
   * Port or port range ("22", "8000-8080"); tcp and udp only; omitted means all ports.
   */
  ports?: PortRange;
  /**
   * Remote CIDR blocks the rule applies to.
   */
  cidrs: CidrList;
}
/**
 * Resource limits (quotas); an omitted limit is unlimited.
 */
export interface ResourceLimits {
  /**
   * Maximum number of virtual machines.
   */
  vms?: number;
  /**
   * Maximum total CPU cores of all virtual machines.
   */
  cpuCores?: number;
  /**
   * Maximum total memory of all virtual machines, in MiB.
   */
  memoryMiB?: number;
  /**
   * Maximum total primary storage (root disks and volumes), in GiB.
   */
  primaryStorageGiB?: number;
  /**
   * Maximum number of public IP addresses.
   */
  publicIps?: number;
  /**
   * Maximum number of guest networks.
   */
  networks?: number;
  /**
   * Maximum number of volumes.
   */
  volumes?: number;
  /**
   * Maximum number of snapshots.
   */
  snapshots?: number;
}
/**
 * Read the secret from an environment variable of the cairn process.
 */
export interface SecretFromEnv {
  /**
   * Environment variable name.
   */
  env: string;
}
/**
 * Read the secret from a file (trailing newline stripped).
 */
export interface SecretFromFile {
  /**
   * Path of the file, absolute or relative to the cairn process's working directory.
   */
  file: string;
}

/** The document type of each kind. */
export interface DocumentByKind {
  Zone: Zone;
  Pod: Pod;
  Cluster: Cluster;
  Host: Host;
  PrimaryStorage: PrimaryStorage;
  SecondaryStorage: SecondaryStorage;
  ServiceOffering: ServiceOffering;
  DiskOffering: DiskOffering;
  Template: Template;
  Domain: Domain;
  Account: Account;
  Project: Project;
  Network: Network;
  Vpc: Vpc;
  NetworkAcl: NetworkAcl;
  SecurityGroup: SecurityGroup;
  FirewallRule: FirewallRule;
  EgressRule: EgressRule;
  PortForward: PortForward;
  PublicIp: PublicIp;
  LoadBalancer: LoadBalancer;
  VirtualMachine: VirtualMachine;
  Volume: Volume;
  Snapshot: Snapshot;
  AffinityGroup: AffinityGroup;
}

/** The spec type of each kind. */
export type SpecByKind = { [K in keyof DocumentByKind]: DocumentByKind[K]['spec'] };
