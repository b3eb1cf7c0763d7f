import { fieldReconciler } from '../field-reconciler.js';
import { declaredOrObserved, immutable, set, updatable } from './rules.js';

export const hostReconciler = fieldReconciler({
  kind: 'Host',
  fields: {
    cluster: immutable('a host cannot move to another cluster'),
    url: immutable('the URL is how the host was added'),
    cpuCores: declaredOrObserved('declared for Simulator hosts, measured on real ones (omitted: any)', 'cpuCores'),
    cpuMhz: declaredOrObserved('declared for Simulator hosts, measured on real ones (omitted: any)', 'cpuMhz'),
    memoryMiB: declaredOrObserved('declared for Simulator hosts, measured on real ones (omitted: any)', 'memoryMiB'),
    tags: set('updatable', 'updateHost hosttags'),
    state: updatable('allocation state (Enabled/Disabled/Maintenance); the Up/Down status is observed only', { default: 'Enabled' }),
    username: updatable('credentials are updated in place'),
    passwordFrom: updatable('credentials are updated in place'),
    'status.state': { class: 'observed', note: 'Up / Down / Disconnected: placement skips hosts that are not Up' },
    'status.used': { class: 'observed', note: 'capacity in use, from the VMs placed on the host' },
  },
});
