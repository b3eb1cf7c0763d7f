import { fieldReconciler } from '../field-reconciler.js';
import { immutable } from './rules.js';

export const affinityGroupReconciler = fieldReconciler({
  kind: 'AffinityGroup',
  fields: {
    type: immutable('the type of an affinity group is fixed at creation'),
  },
});
