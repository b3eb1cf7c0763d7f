import { describe, expect, it } from 'vitest';
import type { Kind } from '../../desired-state/model.js';
import { RECONCILERS } from '../../reconcilers/kinds/index.js';
import { STATEFUL_KINDS } from '../../reconcilers/kind-order.js';
import { plan } from '../../reconcilers/planner.js';
import type { ReconcileContext } from '../../reconcilers/reconciler.js';
import { model, observe, res, withSpec } from './support.js';

const ctx: ReconcileContext = { desired: () => undefined, observed: () => undefined };
const vmSpec = { zone: 'zone1', serviceOffering: 'small', template: 'debian-12', networks: [{ network: 'web-net' }] };
const vm = (state?: string) => res('VirtualMachine', 'web-1', state ? { ...vmSpec, state } : vmSpec);
const power = (desiredState: string | undefined, observedState: string) => {
  const d = vm(desiredState);
  return RECONCILERS.VirtualMachine.reconcile(d, observe(d, { state: observedState, host: 'h1' }, vmSpec), ctx);
};

describe('VM power', () => {
  it('Running in git (the default), Stopped in the world: start', () => {
    for (const desired of [undefined, 'Running']) {
      const actions = power(desired, 'Stopped');
      expect(actions).toHaveLength(1);
      expect(actions[0]).toMatchObject({
        id: 'start:VirtualMachine/account:acme/web-1',
        op: 'start',
        destructive: false,
        reason: 'Stopped in the world, Running in git',
        fields: [{ path: 'state', from: 'Stopped', to: 'Running' }],
        externalId: 'ext-VirtualMachine/account:acme/web-1',
      });
    }
  });

  it('Stopped in git, Running in the world: stop', () => {
    expect(power('Stopped', 'Running')).toMatchObject([{ op: 'stop', reason: 'Running in the world, Stopped in git', fields: [{ path: 'state', from: 'Running', to: 'Stopped' }] }]);
  });

  it('matching power, or a transition under way: nothing', () => {
    expect(power('Running', 'Running')).toEqual([]);
    expect(power('Stopped', 'Stopped')).toEqual([]);
    for (const transitional of ['Starting', 'Stopping', 'Migrating']) {
      expect(power('Running', transitional)).toEqual([]);
      expect(power('Stopped', transitional)).toEqual([]);
    }
  });

  it('a VM in Error or Destroyed is replaced (destroyed and created again), whatever git asks', () => {
    for (const broken of ['Error', 'Destroyed', 'Expunging']) {
      for (const desired of ['Running', 'Stopped']) {
        const actions = power(desired, broken);
        expect(actions).toHaveLength(1);
        expect(actions[0]).toMatchObject({ op: 'replace', destructive: true, reason: `${broken} in the world: destroyed and created again` });
        expect(actions[0]!.fields[0]).toEqual({ path: 'state', from: broken, to: desired });
      }
    }
  });

  it('an offering change with a power change orders stop → update and update → start', () => {
    const stopped = res('VirtualMachine', 'web-1', { ...vmSpec, serviceOffering: 'large', state: 'Stopped' });
    const a = RECONCILERS.VirtualMachine.reconcile(stopped, observe(stopped, { state: 'Running' }, vmSpec), ctx);
    expect(a.map((x) => x.op)).toEqual(['stop', 'update']);
    expect(a[1]!.dependsOn).toEqual([a[0]!.id]);
    const running = res('VirtualMachine', 'web-1', { ...vmSpec, serviceOffering: 'large' });
    const b = RECONCILERS.VirtualMachine.reconcile(running, observe(running, { state: 'Stopped' }, vmSpec), ctx);
    expect(b.map((x) => x.op)).toEqual(['update', 'start']);
    expect(b[1]!.dependsOn).toEqual([b[0]!.id]);
    // The planner keeps that order.
    const p = plan(model([running]), [observe(running, { state: 'Stopped' }, vmSpec)]);
    expect(p.actions.map((x) => x.op)).toEqual(['update', 'start']);
    expect(p.actions[1]!.dependsOn).toEqual(['update:VirtualMachine/account:acme/web-1']);
  });

  it('an immutable change with a power change is only the replace (the new VM is created in its desired state)', () => {
    const d = res('VirtualMachine', 'web-1', { ...vmSpec, template: 'debian-13', state: 'Stopped' });
    expect(RECONCILERS.VirtualMachine.reconcile(d, observe(d, { state: 'Running' }, vmSpec), ctx).map((a) => a.op)).toEqual(['replace']);
  });
});

const SPECS: Partial<Record<Kind, Record<string, unknown>>> = {
  Volume: { zone: 'zone1', sizeGiB: 5 },
  Snapshot: { volume: 'v' },
  Template: { url: 'sim://t', format: 'RAW', hypervisor: 'Simulator' },
  PrimaryStorage: { scope: 'Zone', zone: 'zone1', url: 'sim://ps' },
  SecondaryStorage: { zone: 'zone1', url: 'sim://ss' },
};

describe('removal from git', () => {
  for (const kind of STATEFUL_KINDS) {
    const spec = SPECS[kind]!;
    it(`${kind}: Retain (the default) orphans, not destructive, saying the data is kept`, () => {
      for (const policy of [undefined, 'Retain']) {
        const r = res(kind, 'keep-me', policy ? { ...spec, deletionPolicy: policy } : spec);
        const actions = RECONCILERS[kind].reconcile(undefined, observe(r), ctx);
        expect(actions).toHaveLength(1);
        expect(actions[0]).toMatchObject({ op: 'orphan', destructive: false, externalId: expect.any(String) });
        expect(actions[0]!.reason).toMatch(/data kept, no longer managed/);
      }
    });
    it(`${kind}: Delete deletes, destructively, saying the data goes`, () => {
      const r = res(kind, 'drop-me', { ...spec, deletionPolicy: 'Delete' });
      const [a] = RECONCILERS[kind].reconcile(undefined, observe(r), ctx);
      expect(a).toMatchObject({ op: 'delete', destructive: true });
      expect(a!.reason).toMatch(/data is destroyed/);
    });
  }

  it('the policy is the one the world recorded: git no longer has the document', () => {
    const r = res('Volume', 'v', { zone: 'zone1', sizeGiB: 5, deletionPolicy: 'Delete' });
    // Changed to Retain in git and applied: the world has Retain, so removing it later orphans it.
    expect(RECONCILERS.Volume.reconcile(undefined, observe(r, {}, { zone: 'zone1', sizeGiB: 5, deletionPolicy: 'Retain' }), ctx)[0]!.op).toBe('orphan');
    // Changing the policy is a metadata-only update, so the world learns it before the removal.
    const retain = withSpec(r, { deletionPolicy: undefined });
    expect(RECONCILERS.Volume.reconcile(r, observe(retain), ctx)[0]).toMatchObject({ op: 'update', destructive: false, fields: [{ path: 'deletionPolicy', from: 'Retain', to: 'Delete' }] });
  });

  it('other kinds are deleted', () => {
    const [a] = RECONCILERS.Network.reconcile(undefined, observe(res('Network', 'n', { zone: 'zone1', type: 'L2' })), ctx);
    expect(a).toMatchObject({ id: 'delete:Network/account:acme/n', op: 'delete', destructive: true, reason: 'removed from git', externalId: 'ext-Network/account:acme/n' });
  });
});

describe('foreign objects', () => {
  const foreign = { ...observe(vm()), managed: false, externalId: 'i-123' };

  it('never produce actions, whatever git says', () => {
    expect(RECONCILERS.VirtualMachine.reconcile(undefined, foreign, ctx)).toEqual([]);
    expect(RECONCILERS.VirtualMachine.reconcile(vm('Stopped'), { ...foreign, status: { state: 'Running' } }, ctx)).toEqual([]);
  });

  it('are reported as unmanaged by the plan, and never deleted nor counted as managed', () => {
    const other = { kind: 'VirtualMachine' as const, name: 'intruder', owner: 'account:acme', externalId: 'i-9', managed: false, spec: vmSpec, status: { state: 'Running', host: 'h1' } };
    const p = plan(model([]), [other, { ...other, name: 'another', externalId: 'i-8', owner: undefined }]);
    expect(p.actions).toEqual([]);
    expect(p.errors).toEqual([]);
    expect(p.summary.unmanaged).toBe(2);
    expect(p.unmanaged.map((o) => o.name)).toEqual(['another', 'intruder']);
  });

  it('with the identity of a desired object: the create still happens (the provider adopts only its own)', () => {
    const d = vm();
    const p = plan(model([d]), [{ ...observe(d, { state: 'Running' }), managed: false }]);
    expect(p.actions.map((a) => a.id)).toEqual(['create:VirtualMachine/account:acme/web-1']);
  });
});
