import { fieldReconciler } from '../field-reconciler.js';
import { immutable, updatable } from './rules.js';

export const accountReconciler = fieldReconciler({
  kind: 'Account',
  fields: {
    domain: immutable('an account cannot move to another domain', { default: 'ROOT' }),
    type: immutable('an account type is fixed at creation', { default: 'User' }),
    limits: updatable('updateResourceLimit; omitted limits are unlimited', { default: {} }),
  },
});
