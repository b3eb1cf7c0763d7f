import { fieldReconciler } from '../field-reconciler.js';
import { immutable, updatable } from './rules.js';

export const networkReconciler = fieldReconciler({
  kind: 'Network',
  fields: {
    zone: immutable('a network lives in one zone'),
    type: immutable('Isolated, Shared and L2 networks are different objects'),
    cidr: immutable('addresses of every NIC depend on it'),
    gateway: immutable('the virtual router holds it; omitted: the first address, as the provider reports', { omittedMeansObserved: true, fromStatus: 'gateway' }),
    vlan: immutable('a network keeps its VLAN; `auto` accepts the one the provider allocated (status.vlan)', { default: 'auto', auto: 'auto', fromStatus: 'vlan' }),
    vpc: immutable('a tier cannot move to another VPC'),
    acl: updatable('replaceNetworkACLList'),
    networkDomain: updatable('updateNetwork networkdomain'),
    'status.vlan': { class: 'observed', note: 'the VLAN the provider allocated for `vlan: auto`' },
  },
});
