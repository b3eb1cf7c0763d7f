import { fieldReconciler } from '../field-reconciler.js';
import { immutable, set, updatable } from './rules.js';

export const loadBalancerReconciler = fieldReconciler({
  kind: 'LoadBalancer',
  fields: {
    publicIp: immutable('updateLoadBalancerRule cannot change the ports or the address'),
    protocol: immutable('updateLoadBalancerRule cannot change the protocol', { default: 'tcp' }),
    publicPort: immutable('updateLoadBalancerRule cannot change the ports or the address'),
    privatePort: immutable('updateLoadBalancerRule cannot change the ports or the address'),
    algorithm: updatable('updateLoadBalancerRule algorithm', { default: 'roundrobin' }),
    vms: set('updatable', 'assign/removeFromLoadBalancerRule (order irrelevant)'),
  },
});
