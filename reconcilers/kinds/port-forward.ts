import { fieldReconciler } from '../field-reconciler.js';
import { immutable, updatable } from './rules.js';

export const portForwardReconciler = fieldReconciler({
  kind: 'PortForward',
  fields: {
    publicIp: immutable('the public side is the rule'),
    protocol: immutable('the public side is the rule'),
    publicPort: immutable('the public side is the rule'),
    vm: updatable('updatePortForwardingRule virtualmachineid'),
    privatePort: updatable('updatePortForwardingRule privateport'),
  },
});
