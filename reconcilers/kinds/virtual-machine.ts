import type { Resource } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import type { Action, FieldDiff } from '../action.js';
import { diff } from '../compare-values.js';
import { fieldReconciler, makeAction } from '../field-reconciler.js';
import type { SpecDiff } from '../field-rules.js';
import { ownerOf } from '../identity.js';
import { immutable, set, size, updatable } from './rules.js';

type Nic = { network?: unknown; ip?: unknown };
const nicsOf = (v: unknown): Nic[] => (Array.isArray(v) ? (v as Nic[]) : []);

/**
 * NICs in order (the first is the default NIC): the network of each must match; an ip given in git
 * must match the one in the world (`spec.networks[i].ip`, or `status.nics[i].ip` where the provider
 * reports allocations there); an omitted ip accepts whatever was allocated. MACs are observed only.
 */
function compareNics(to: unknown, from: unknown, observed: ObservedResource, path: string, out: FieldDiff[]): void {
  const want = nicsOf(to);
  const have = nicsOf(from);
  const allocated = nicsOf(observed.status?.nics);
  if (want.length !== have.length) {
    out.push(diff(path, have.map((n, i) => ({ network: n?.network, ip: n?.ip ?? allocated[i]?.ip })), want));
    return;
  }
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? {};
    const h = have[i] ?? {};
    if (w.network !== h.network) out.push(diff(`${path}[${i}].network`, h.network, w.network));
    if (w.ip === undefined) continue;
    const ip = h.ip ?? allocated[i]?.ip;
    if (ip !== w.ip) out.push(diff(`${path}[${i}].ip`, ip, w.ip));
  }
}

/** Power states of a VM that only a new VM fixes (CloudStack can only expunge a VM in Error). */
const BROKEN = new Set(['Error', 'Destroyed', 'Expunging']);

/**
 * Power, after the spec: git's `state` (default Running) against the world's `status.state`.
 * Stopped → start, Running → stop; transitional states (Starting, Stopping, Migrating) are left to
 * settle, the next plan sees where they landed. Error / Destroyed / Expunging → replace: the VM is
 * gone or unusable and recovering a destroyed VM would resurrect whatever made it so; its data
 * volumes are detached, never destroyed, and reattached by the volume's own reconciler.
 * Order on one VM: stop → update → start (CloudStack changes the offering of a stopped VM).
 */
function power(desired: Resource, observed: ObservedResource, given: readonly Action[], d: SpecDiff | null): readonly Action[] {
  if (given[0]?.op === 'replace') return given;
  const have = (observed.status?.state ?? observed.spec?.state) as string | undefined;
  const want = (desired.doc.spec?.state as string | undefined) ?? 'Running';
  const owner = ownerOf(desired);
  if (have !== undefined && BROKEN.has(have)) {
    const fields = [diff('state', have, want), ...(d ? [...d.immutable, ...d.updatable] : [])];
    return [
      makeAction('replace', 'VirtualMachine', owner, desired.name, `${have} in the world: destroyed and created again`, fields, true, {
        spec: desired.doc.spec,
        externalId: observed.externalId,
      }),
    ];
  }
  const update = given[0];
  if (!(want === 'Running' && have === 'Stopped') && !(want === 'Stopped' && have === 'Running')) return given;
  const actions = [...given];
  if (want === 'Running' && have === 'Stopped') {
    const start = makeAction('start', 'VirtualMachine', owner, desired.name, 'Stopped in the world, Running in git', [diff('state', have, want)], false, {
      externalId: observed.externalId,
    });
    if (update) start.dependsOn.push(update.id);
    actions.push(start);
  } else if (want === 'Stopped' && have === 'Running') {
    const stop = makeAction('stop', 'VirtualMachine', owner, desired.name, 'Running in the world, Stopped in git', [diff('state', have, want)], false, {
      externalId: observed.externalId,
    });
    if (update) update.dependsOn.push(stop.id);
    actions.unshift(stop);
  }
  return actions;
}

export const virtualMachineReconciler = fieldReconciler({
  kind: 'VirtualMachine',
  fields: {
    displayName: updatable('updateVirtualMachine displayname; omitted: the resource name', { defaultIsName: true }),
    zone: immutable('a VM cannot leave its zone'),
    serviceOffering: updatable('changeServiceForVirtualMachine, on a stopped VM'),
    template: immutable('a new template is a new root disk'),
    rootDiskGiB: size('resizeVolume grows the ROOT disk; a smaller size is a replace; omitted: the template size', 'rootDiskGiB'),
    networks: updatable('addNicToVirtualMachine / removeNicFromVirtualMachine / updateVmNicIp; an omitted ip accepts the allocated one', {
      compare: compareNics,
      summary: 'by NIC; omitted ip = any',
    }),
    securityGroups: set('updatable', 'security groups of a stopped VM are changed in place (order irrelevant)'),
    affinityGroups: set('updatable', 'updateVMAffinityGroup on a stopped VM; placement is not redone'),
    userData: updatable('updateVirtualMachine userdata; secret', { secret: true }),
    sshKey: updatable('resetSSHKeyForVirtualMachine; secret', { secret: true }),
    state: { class: 'power', default: 'Running', note: 'compared with the observed status.state: start / stop; Error or Destroyed → replace' },
    'status.host': { class: 'observed', note: 'placement: chosen once, kept until the VM is replaced' },
    'status.storage': { class: 'observed', note: 'the ROOT disk\'s primary storage' },
    'status.nics': { class: 'observed', note: 'MAC addresses and allocated IPs' },
  },
  updateNotes: {
    serviceOffering: 'the provider stops the VM, changes its offering and starts it again if it was running',
  },
  refine: (desired, observed, actions, d) => power(desired, observed, actions, d),
});
