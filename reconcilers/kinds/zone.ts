import { fieldReconciler } from '../field-reconciler.js';
import { immutable, set, updatable } from './rules.js';

export const zoneReconciler = fieldReconciler({
  kind: 'Zone',
  fields: {
    networkType: immutable('CloudStack cannot turn a Basic zone into an Advanced one'),
    securityGroups: immutable('security-group isolation is chosen when the zone is created', { default: false }),
    dns: updatable('updateZone'),
    internalDns: updatable('updateZone'),
    guestCidr: updatable('updateZone'),
    physicalNetworks: updatable('physical networks and VLAN ranges are added and extended in place'),
    publicIpRanges: set('updatable', 'public ranges are added and removed in place (order irrelevant)'),
  },
});
