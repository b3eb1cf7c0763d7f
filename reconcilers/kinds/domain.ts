import { fieldReconciler } from '../field-reconciler.js';
import { immutable } from './rules.js';

export const domainReconciler = fieldReconciler({
  kind: 'Domain',
  fields: {
    parent: immutable('the domain tree path is the identity of everything under it', { default: 'ROOT' }),
  },
});
