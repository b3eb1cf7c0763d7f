import { fieldReconciler } from '../field-reconciler.js';
import { immutable, set } from './rules.js';

const fixed = 'CloudStack firewall rules are not editable: a new rule replaces the old';

export const firewallRuleReconciler = fieldReconciler({
  kind: 'FirewallRule',
  fields: {
    publicIp: immutable(fixed),
    protocol: immutable(fixed),
    ports: immutable(fixed),
    cidrs: set('immutable', fixed),
  },
});
