import type { Kind } from '../../desired-state/model.js';
import type { FieldReconciler } from '../field-reconciler.js';
import { accountReconciler } from './account.js';
import { affinityGroupReconciler } from './affinity-group.js';
import { clusterReconciler } from './cluster.js';
import { diskOfferingReconciler } from './disk-offering.js';
import { domainReconciler } from './domain.js';
import { egressRuleReconciler } from './egress-rule.js';
import { firewallRuleReconciler } from './firewall-rule.js';
import { hostReconciler } from './host.js';
import { loadBalancerReconciler } from './load-balancer.js';
import { networkAclReconciler } from './network-acl.js';
import { networkReconciler } from './network.js';
import { podReconciler } from './pod.js';
import { portForwardReconciler } from './port-forward.js';
import { primaryStorageReconciler } from './primary-storage.js';
import { projectReconciler } from './project.js';
import { publicIpReconciler } from './public-ip.js';
import { secondaryStorageReconciler } from './secondary-storage.js';
import { securityGroupReconciler } from './security-group.js';
import { serviceOfferingReconciler } from './service-offering.js';
import { snapshotReconciler } from './snapshot.js';
import { templateReconciler } from './template.js';
import { virtualMachineReconciler } from './virtual-machine.js';
import { volumeReconciler } from './volume.js';
import { vpcReconciler } from './vpc.js';
import { zoneReconciler } from './zone.js';

/** The reconciler of every kind. */
export const RECONCILERS: Readonly<Record<Kind, FieldReconciler>> = {
  Zone: zoneReconciler,
  Pod: podReconciler,
  Cluster: clusterReconciler,
  Host: hostReconciler,
  PrimaryStorage: primaryStorageReconciler,
  SecondaryStorage: secondaryStorageReconciler,
  ServiceOffering: serviceOfferingReconciler,
  DiskOffering: diskOfferingReconciler,
  Template: templateReconciler,
  Domain: domainReconciler,
  Account: accountReconciler,
  Project: projectReconciler,
  Network: networkReconciler,
  Vpc: vpcReconciler,
  NetworkAcl: networkAclReconciler,
  SecurityGroup: securityGroupReconciler,
  FirewallRule: firewallRuleReconciler,
  EgressRule: egressRuleReconciler,
  PortForward: portForwardReconciler,
  PublicIp: publicIpReconciler,
  LoadBalancer: loadBalancerReconciler,
  VirtualMachine: virtualMachineReconciler,
  Volume: volumeReconciler,
  Snapshot: snapshotReconciler,
  AffinityGroup: affinityGroupReconciler,
};

export function reconcilerFor(kind: Kind): FieldReconciler | undefined {
  return RECONCILERS[kind];
}
