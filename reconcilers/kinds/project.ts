import { fieldReconciler } from '../field-reconciler.js';
import { immutable, updatable } from './rules.js';

export const projectReconciler = fieldReconciler({
  kind: 'Project',
  fields: {
    domain: immutable('a project cannot move to another domain', { default: 'ROOT' }),
    description: updatable('updateProject'),
    limits: updatable('updateResourceLimit; omitted limits are unlimited', { default: {} }),
  },
});
