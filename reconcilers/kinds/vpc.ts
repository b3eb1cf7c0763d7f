import { fieldReconciler } from '../field-reconciler.js';
import { immutable, updatable } from './rules.js';

export const vpcReconciler = fieldReconciler({
  kind: 'Vpc',
  fields: {
    zone: immutable('a VPC lives in one zone'),
    cidr: immutable('every tier lies inside it'),
    networkDomain: updatable('updateVPC'),
  },
});
