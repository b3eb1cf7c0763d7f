import type { Kind } from '../desired-state/model.js';

/**
 * Creation tier of each kind, the order: tenancy, zone → pod → cluster → host → storage →
 * catalog → template → network → public IP → VM → volume → rules. Dependencies come from references;
 * the tier only orders actions that are ready at the same time, so a plan reads top-down like a
 * build of the data center (deletes read bottom-up).
 */
export const KIND_TIER: Readonly<Record<Kind, number>> = {
  Domain: 0,
  Account: 1,
  Project: 1,
  Zone: 2,
  Pod: 3,
  Cluster: 4,
  Host: 5,
  PrimaryStorage: 6,
  SecondaryStorage: 6,
  ServiceOffering: 7,
  DiskOffering: 7,
  Template: 8,
  Vpc: 9,
  NetworkAcl: 10,
  Network: 11,
  PublicIp: 12,
  SecurityGroup: 13,
  AffinityGroup: 13,
  VirtualMachine: 14,
  Volume: 15,
  Snapshot: 16,
  FirewallRule: 17,
  EgressRule: 17,
  PortForward: 17,
  LoadBalancer: 17,
};

/**
 * Kinds named per tenant (`x-cairn-scope: tenant`); the rest are global. Kept here rather than read
 * from the schema registry so that planning does no I/O; test/reconcilers checks it against the schemas.
 */
export const TENANT_KINDS: ReadonlySet<Kind> = new Set<Kind>([
  'Network', 'Vpc', 'NetworkAcl', 'SecurityGroup', 'FirewallRule', 'EgressRule', 'PortForward',
  'PublicIp', 'LoadBalancer', 'VirtualMachine', 'Volume', 'Snapshot', 'AffinityGroup',
]);

/** Kinds holding data (`x-cairn-stateful`): removing them from git orphans them unless `deletionPolicy: Delete`. */
export const STATEFUL_KINDS: ReadonlySet<Kind> = new Set<Kind>(['Volume', 'Snapshot', 'Template', 'PrimaryStorage', 'SecondaryStorage']);
