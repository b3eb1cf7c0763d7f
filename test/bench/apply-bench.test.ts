/**
 * The `apply` benchmark at a tiny scale, so that it cannot rot: the whole run (generated data
 * center, apply at zero latency, no-op plan, warm validate, apply with latency, a two-point sweep,
 * each in its own child process) and the figures' shape. Timings are never asserted.
 */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../reconcilers/action.js';
import { dependencyLayers } from './apply-phase.js';
import { expectedCounts } from './generate-datacenter.js';
import { ideals, parseOptions, run } from './apply.bench.js';

const TINY = [
  '--zones', '1', '--podsPerZone', '1', '--clustersPerPod', '1', '--hostsPerCluster', '2',
  '--accounts', '1', '--networksPerAccount', '2', '--vmsPerNetwork', '3',
];

const action = (id: string, dependsOn: string[], op: Action['op'] = 'create'): Action => ({
  id, op, kind: 'VirtualMachine', name: id, reason: 'test', fields: [], dependsOn, destructive: op === 'replace',
});

describe('apply benchmark helpers', () => {
  it('puts each action in the layer of its longest chain of dependencies, a replace counting two calls', () => {
    const layers = dependencyLayers([
      action('c', ['a', 'b']),
      action('a', []),
      action('b', ['a'], 'replace'),
      action('d', []),
    ]);
    expect(layers.actionsPerLayer).toEqual([2, 1, 1]);
    expect(layers.callsPerLayer).toEqual([2, 2, 1]);
  });

  it('computes the plain and the layer-aware ideal', () => {
    expect(ideals([9, 26, 1000], 20, 16)).toEqual({ idealMs: (1035 * 20) / 16, layerIdealMs: (1 + 2 + 63) * 20, criticalPathMs: 60 });
  });

  it('reads its options', () => {
    const o = parseOptions(['--scale', '0.01', '--latency', '5', '--concurrency=32', '--durability', 'process', '--sweep', 'commit:8,process:64', '--vmsPerNetwork', '7']);
    expect(o.params.accounts).toBe(10);
    expect(o.params.vmsPerNetwork).toBe(7);
    expect(o.latencyParams.vmsPerNetwork).toBe(7);
    expect(o.latencyParams.accounts).toBe(4);
    expect(o).toMatchObject({ latencyMs: 5, concurrency: 32, durability: 'process', sweep: [{ durability: 'commit', concurrency: 8 }, { durability: 'process', concurrency: 64 }] });
    expect(parseOptions(['--sweep']).sweep).toHaveLength(6);
    expect(() => parseOptions(['--durability', 'never'])).toThrow(/durability/);
    expect(() => parseOptions(['--frobnicate'])).toThrow(/unknown option/);
  });
});

describe('apply benchmark, tiny data center', () => {
  it('applies, finds nothing to do afterwards, and reports every figure', async () => {
    const r = (await run([...TINY, '--latency', '5', '--concurrency', '4', '--sweep', 'process:8'])) as Record<string, any>;
    expect(r.bench).toBe('apply');
    expect(r.problems).toEqual([]);

    // A fresh world: one create per document.
    const n = expectedCounts(parseOptions(TINY).params).documents;
    const z = r.zeroLatency;
    expect(z.actions).toBe(n);
    expect(z.succeeded).toBe(n);
    expect(z.failed).toBe(0);
    expect(z.noopPlanActions).toBe(0);
    for (const k of ['applyMs', 'actionsPerSecond', 'totalMs', 'loadMs', 'observeMs', 'planMs', 'noopPlanMs', 'warmValidateMs']) {
      expect(typeof z[k], k).toBe('number');
    }
    expect(z.totalMs).toBeGreaterThanOrEqual(z.applyMs);
    expect(z.callsPerLayer.reduce((s: number, k: number) => s + k, 0)).toBe(n);
    for (const k of ['apply', 'noopPlan', 'warmValidate']) expect(z.peakRssMiB[k], k).toBeGreaterThan(0);
    expect(z.controllerOnly.actionsPerSecond).toBeGreaterThan(0);

    const l = r.latency;
    expect(l).toMatchObject({ latencyMs: 5, concurrency: 4, actions: n });
    expect(Math.abs(l.idealMs - (n * 5) / 4)).toBeLessThan(0.06); // rounded to 0.1 ms
    expect(l.layerIdealMs).toBeGreaterThanOrEqual(l.idealMs);
    // Every call waits its latency, so no schedule beats the critical path.
    expect(l.makespanMs).toBeGreaterThanOrEqual(l.criticalPathMs);
    expect(Math.abs(l.ratio - l.makespanMs / l.idealMs)).toBeLessThan(0.01);

    expect(r.sweep).toEqual([expect.objectContaining({ durability: 'process', concurrency: 8, actions: n })]);
    expect(r.best).toEqual(r.sweep[0]);
    expect(Object.keys(r.targets)).toEqual(expect.arrayContaining(['actionsPerSecond', 'noopPlanVsWarmValidate', 'makespanVsIdeal']));
    expect(r.targets.noopPlanVsWarmValidate).toBeGreaterThan(0);
  });
});
