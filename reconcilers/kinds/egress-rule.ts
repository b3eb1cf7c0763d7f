import { fieldReconciler } from '../field-reconciler.js';
import { immutable, set } from './rules.js';

const fixed = 'CloudStack egress rules are not editable: a new rule replaces the old';

export const egressRuleReconciler = fieldReconciler({
  kind: 'EgressRule',
  fields: {
    network: immutable(fixed),
    protocol: immutable(fixed),
    ports: immutable(fixed),
    cidrs: set('immutable', fixed),
  },
});
