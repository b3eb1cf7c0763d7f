import { fieldReconciler } from '../field-reconciler.js';
import { immutable, updatable } from './rules.js';

const ratio = (v: unknown): number => (typeof v === 'number' ? v : 1);

export const clusterReconciler = fieldReconciler({
  kind: 'Cluster',
  fields: {
    pod: immutable('a cluster cannot move to another pod'),
    hypervisor: immutable('every host of the cluster runs this hypervisor'),
    overcommit: updatable('cluster settings cpu/mem.overprovisioning.factor; omitted ratios are 1', {
      default: {},
      normalise: (v) => {
        const o = (v ?? {}) as Record<string, unknown>;
        return { cpu: ratio(o.cpu), memory: ratio(o.memory) };
      },
    }),
  },
});
