/** Drift records over resyncs, policies, the lmdb store across restarts, durations. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DesiredModel, Resource } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import { DriftPolicies } from '../../controller/run/drift-policy.js';
import { indexWorlds, scanDrift } from '../../controller/run/drift-scan.js';
import { DriftStore } from '../../controller/run/drift-store.js';
import { indexObserved } from '../../controller/run/observed-index.js';
import { DriftTracker } from '../../controller/run/drift-tracker.js';
import { parseDuration } from '../../controller/run/duration.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const stateDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-drift-'));
  dirs.push(d);
  return d;
};

function vm(name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): Resource {
  return {
    kind: 'VirtualMachine', name, tenant: 'acme', tenantType: 'account', source: { file: 'vms.yaml', docIndex: 0 },
    doc: { apiVersion: 'cairn.dev/v1', kind: 'VirtualMachine', metadata: { name, account: 'acme', ...(annotations ? { annotations } : {}) }, spec },
  };
}
const observedVm = (name: string, spec: Record<string, unknown>, state: string, managed = true): ObservedResource => ({
  kind: 'VirtualMachine', name, owner: 'account:acme', externalId: `sim-VirtualMachine-${name}`, managed, spec, status: { state, host: 'h1' },
});
const SPEC = { zone: 'z1', serviceOffering: 'small', template: 't', networks: [{ network: 'n' }], state: 'Running', userData: 'c2VjcmV0' };

describe('drift scan', () => {
  it('finds managed fields that differ, ignores observed-only ones, lists foreign objects, redacts secrets', () => {
    const model: DesiredModel = { revision: 'r1', resources: [vm('a', SPEC), vm('b', SPEC), vm('c', { ...SPEC, userData: 'bmV3' })] };
    const scan = scanDrift(indexWorlds(model, [
      observedVm('a', SPEC, 'Stopped'),
      observedVm('b', SPEC, 'Running'), // host differs from nothing: observed-only fields never count
      observedVm('c', SPEC, 'Running'),
      observedVm('intruder', SPEC, 'Running', false),
      observedVm('ghost', SPEC, 'Running'), // carries cairn's identity, gone from git
    ]));
    const byName = new Map(scan.differences.map((d) => [d.name, d]));
    expect(byName.get('a')!.fields).toEqual([{ path: 'state', desired: 'Running', observed: 'Stopped' }]);
    expect(byName.has('b')).toBe(false);
    expect(byName.get('c')!.fields.map((f) => f.path)).toContain('userData');
    expect(JSON.stringify(byName.get('c')!.fields)).not.toMatch(/bmV3|c2VjcmV0/);
    expect(scan.unmanaged.map((o) => o.name)).toEqual(['intruder']);
    expect(byName.get('ghost')!.fields).toEqual([{ path: '(object)', desired: 'absent', observed: 'present' }]);
    expect(byName.has('intruder')).toBe(false);
  });
});

describe('observed index', () => {
  it('keeps the smaller provider id of two objects with one identity, whatever the order', () => {
    const a = { ...observedVm('a', SPEC, 'Running'), externalId: 'sim-VirtualMachine-2' };
    const b = { ...observedVm('a', SPEC, 'Stopped'), externalId: 'sim-VirtualMachine-10' };
    for (const list of [[a, b], [b, a]]) {
      expect(indexObserved(list).managed.get('VirtualMachine', 'account:acme', 'a')!.externalId).toBe('sim-VirtualMachine-10');
    }
  });
});

describe('drift records', () => {
  const diff = (name: string, desired: Resource, state = 'Stopped') => scanDrift(indexWorlds({ revision: 'r', resources: [desired] }, [observedVm(name, SPEC, state)])).differences;

  it('opens a record, keeps first seen while it lasts, closes it on correction, drops one fixed by hand', () => {
    const tracker = new DriftTracker(new DriftStore(stateDir()), new DriftPolicies());
    const a = vm('a', SPEC);
    const first = tracker.resync(diff('a', a), () => false, '2026-01-01T00:00:00.000Z');
    expect(first.toCorrect).toEqual(['VirtualMachine/account:acme/a']);
    expect(first.changed).toEqual([expect.objectContaining({ name: 'a', policy: 'correct', firstSeenAt: '2026-01-01T00:00:00.000Z', correctedAt: null })]);
    const second = tracker.resync(diff('a', a), () => false, '2026-01-01T00:01:00.000Z');
    expect(second.changed).toEqual([]); // nothing new to announce
    expect(tracker.records()[0]).toMatchObject({ firstSeenAt: '2026-01-01T00:00:00.000Z', lastSeenAt: '2026-01-01T00:01:00.000Z' });
    expect(tracker.corrected('VirtualMachine/account:acme/a', '2026-01-01T00:01:01.000Z')).toMatchObject({ correctedAt: '2026-01-01T00:01:01.000Z' });
    expect(tracker.openCount()).toBe(0);

    const b = vm('b', SPEC, { 'cairn.dev/drift-policy': 'report' });
    expect(tracker.resync(diff('b', b), () => false, '2026-01-01T00:02:00.000Z').toCorrect).toEqual([]);
    expect(tracker.isReportedOnly('VirtualMachine/account:acme/b')).toBe(true);
    tracker.resync([], () => false, '2026-01-01T00:03:00.000Z'); // someone started it again by hand
    expect(tracker.openRecord('VirtualMachine/account:acme/b')).toBeUndefined();
  });

  it('does not call pending work drift', () => {
    const tracker = new DriftTracker(new DriftStore(stateDir()), new DriftPolicies());
    const update = tracker.resync(diff('a', vm('a', SPEC)), () => true, '2026-01-01T00:00:00.000Z');
    expect(update).toEqual({ changed: [], toCorrect: [] });
    expect(tracker.records()).toEqual([]);
  });

  it('keeps records and the last good revision across a restart', async () => {
    const dir = stateDir();
    const store = new DriftStore(dir);
    new DriftTracker(store, new DriftPolicies()).resync(diff('a', vm('a', SPEC)), () => false, '2026-01-01T00:00:00.000Z');
    store.setLastGoodRevision('abc');
    await store.close();
    const reopened = new DriftStore(dir);
    expect(reopened.lastGoodRevision()).toBe('abc');
    expect(reopened.all()).toEqual([expect.objectContaining({ name: 'a', firstSeenAt: '2026-01-01T00:00:00.000Z' })]);
    await reopened.close();
  });
});

describe('drift policies and durations', () => {
  it('annotation beats kind beats default; an unknown annotation value only reports', () => {
    const p = DriftPolicies.parse(['VirtualMachine=report']);
    expect(p.of('VirtualMachine', vm('a', SPEC))).toBe('report');
    expect(p.of('VirtualMachine', vm('a', SPEC, { 'cairn.dev/drift-policy': 'correct' }))).toBe('correct');
    expect(p.of('Zone', undefined)).toBe('correct');
    expect(new DriftPolicies().of('VirtualMachine', vm('a', SPEC, { 'cairn.dev/drift-policy': 'corect' }))).toBe('report');
    expect(() => DriftPolicies.parse(['VirtualMachine=fix'])).toThrow(/correct or report/);
    expect(() => DriftPolicies.parse(['VirtualMachine'])).toThrow(/KIND=POLICY/);
  });

  it('parses 500ms, 30s, 5m, 1h and refuses the rest', () => {
    expect(parseDuration('500ms', 'x')).toBe(500);
    expect(parseDuration('30s', 'x')).toBe(30_000);
    expect(parseDuration('5m', 'x')).toBe(300_000);
    expect(parseDuration('1h', 'x')).toBe(3_600_000);
    expect(parseDuration('2', 'x')).toBe(2000);
    expect(() => parseDuration('0s', '--resync')).toThrow(/longer than zero/);
    expect(() => parseDuration('soon', '--resync')).toThrow(/--resync must be a duration/);
  });
});
