import { fieldReconciler } from '../field-reconciler.js';
import { immutable } from './rules.js';

export const publicIpReconciler = fieldReconciler({
  kind: 'PublicIp',
  fields: {
    zone: immutable('an address comes from one zone\'s ranges'),
    network: immutable('associating an address with another network releases it'),
    address: immutable('a different address is a different object; `auto` accepts the allocated one (status.address)', { default: 'auto', auto: 'auto', fromStatus: 'address' }),
    'status.address': { class: 'observed', note: 'the address the provider allocated for `address: auto`' },
  },
});
