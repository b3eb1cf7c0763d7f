import { fieldReconciler } from '../field-reconciler.js';
import { deletionPolicy, immutable } from './rules.js';

export const secondaryStorageReconciler = fieldReconciler({
  kind: 'SecondaryStorage',
  fields: {
    zone: immutable('an image store serves one zone'),
    url: immutable('the URL is the store'),
    deletionPolicy,
  },
});
