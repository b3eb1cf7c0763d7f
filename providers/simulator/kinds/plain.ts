import type { Kind } from '../../../desired-state/model.js';
import type { KindHandler } from './kind-handler.js';

/** What CloudStack calls the steady state of each kind that has no behaviour beyond its spec. */
const READY_STATE: Partial<Record<Kind, string>> = {
  Zone: 'Enabled',
  Pod: 'Enabled',
  Cluster: 'Enabled',
  SecondaryStorage: 'Up',
  Template: 'Ready',
  Account: 'Enabled',
  Vpc: 'Enabled',
};

/** Kinds stored with their spec: offerings, domains, accounts, VPCs, rules, load balancers... */
export function plainHandler(kind: Kind): KindHandler {
  const state = READY_STATE[kind] ?? 'Active';
  return {
    create(_tx, obj) {
      obj.status = { state };
    },
    update(_tx, obj, spec) {
      obj.spec = spec;
    },
    delete() {},
  };
}
