import { fieldReconciler } from '../field-reconciler.js';
import { normaliseTrafficRules } from './traffic-rules.js';

export const securityGroupReconciler = fieldReconciler({
  kind: 'SecurityGroup',
  fields: {
    ingress: { class: 'updatable', note: 'authorize/revoke rules in place (order irrelevant)', default: [], unordered: true, normalise: normaliseTrafficRules },
    egress: { class: 'updatable', note: 'authorize/revoke rules in place (order irrelevant)', default: [], unordered: true, normalise: normaliseTrafficRules },
  },
});
