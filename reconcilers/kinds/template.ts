import { fieldReconciler } from '../field-reconciler.js';
import { deletionPolicy, immutable, updatable } from './rules.js';

const image = 'a different image is a different template';

export const templateReconciler = fieldReconciler({
  kind: 'Template',
  fields: {
    url: immutable(image),
    checksum: immutable(image),
    format: immutable(image),
    hypervisor: immutable(image),
    sizeGiB: immutable('the virtual size of the image; omitted: as measured', { omittedMeansObserved: true, fromStatus: 'sizeGiB' }),
    osType: updatable('updateTemplate ostypeid'),
    zones: updatable('copied to or removed from zones in place (order irrelevant; omitted means every zone)', { unordered: true }),
    deletionPolicy,
  },
});
