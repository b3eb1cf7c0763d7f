import type { Resource } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import type { Action } from '../action.js';
import { fieldReconciler, makeAction } from '../field-reconciler.js';
import { ownerOf } from '../identity.js';
import type { ReconcileContext } from '../reconciler.js';
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
  refine: (desired, observed, actions, _d, ctx) => shrinkByOffering(desired, observed, actions, ctx),
});

const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * A volume that leaves its size to its disk offering (no `sizeGiB`) and moves to an offering smaller
 * than what it has: the field rules only see `sizeGiB`, so this would be an update the provider
 * must refuse (a disk never shrinks). It is a replace, destructive, like a smaller `sizeGiB`.
 */
function shrinkByOffering(desired: Resource, observed: ObservedResource, actions: readonly Action[], ctx: ReconcileContext): readonly Action[] {
  const spec = desired.doc.spec ?? {};
  if (spec.sizeGiB !== undefined || typeof spec.diskOffering !== 'string') return actions;
  const wanted = finite(ctx.desired('DiskOffering', undefined, spec.diskOffering)?.doc.spec?.sizeGiB);
  const have = finite(observed.status.sizeGiB) ?? finite(observed.spec.sizeGiB);
  if (wanted === undefined || have === undefined || wanted >= have) return actions;
  const fields = [...actions.flatMap((a) => a.fields), { path: 'sizeGiB', from: have, to: wanted }];
  const reason = `disk offering ${spec.diskOffering} is ${wanted} GiB, smaller than the volume's ${have} GiB: a disk never shrinks, so it is replaced; the data it holds is destroyed`;
  return [makeAction('replace', 'Volume', ownerOf(desired), desired.name, reason, fields, true, { spec, externalId: observed.externalId })];
}
