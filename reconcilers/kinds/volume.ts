import { fieldReconciler } from '../field-reconciler.js';
import { deletionPolicy, immutable, size, updatable } from './rules.js';

export const volumeReconciler = fieldReconciler({
  kind: 'Volume',
  fields: {
    zone: immutable('a volume lives on the primary storage of one zone'),
    diskOffering: updatable('resizeVolume with a new disk offering'),
    sizeGiB: size('resizeVolume grows it; a smaller size is a replace (data destroyed); omitted (offering-sized): any', 'sizeGiB'),
    attachTo: updatable('attachVolume / detachVolume'),
    deletionPolicy,
    'status.storage': { class: 'observed', note: 'the primary storage holding it' },
  },
});
