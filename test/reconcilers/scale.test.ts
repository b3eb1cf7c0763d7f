import { describe, expect, it } from 'vitest';
import { plan } from '../../reconcilers/planner.js';
import { datacenter, worldOf } from './scale-datacenter.js';
import { orderViolations } from './support.js';

/*
 * The CloudStack-size data center of the bench (2 zones × 10 pods × 25 clusters × 50 hosts, 1,000
 * accounts × 5 networks × 50 VMs: 282,042 resources), built in memory, planned against an empty
 * world and then against the world that plan makes. Timings are printed for information only.
 */

const ms = (t0: number) => Math.round(performance.now() - t0);

describe('planning a CloudStack-size data center', () => {
  it('282,000 resources: from nothing, then against the world it made', () => {
    let t = performance.now();
    const desired = datacenter();
    const built = ms(t);
    expect(desired.resources.length).toBe(282_042);

    t = performance.now();
    const first = plan(desired, []);
    const fromNothing = ms(t);
    expect(first.errors).toEqual([]);
    expect(first.summary.create).toBe(282_042);
    expect(orderViolations(first)).toEqual([]);

    const world = worldOf(first);
    t = performance.now();
    const again = plan(desired, world);
    const noop = ms(t);
    expect(again.actions.length).toBe(0);
    expect(again.errors).toEqual([]);

    // One VM stopped in git: one action, found among 282,000.
    const vm = desired.resources.findIndex((r) => r.kind === 'VirtualMachine' && r.doc.spec.state === 'Running');
    const changed = { ...desired, resources: desired.resources.map((r, i) => (i === vm ? { ...r, doc: { ...r.doc, spec: { ...r.doc.spec, state: 'Stopped' } } } : r)) };
    t = performance.now();
    const one = plan(changed, world);
    const oneChange = ms(t);
    expect(one.actions.map((a) => a.op)).toEqual(['stop']);

    // A tenant folder deleted: refused by the guard, its 255 objects listed.
    const gone = { ...desired, resources: desired.resources.filter((r) => r.tenant !== 'acct-7' && !(r.kind === 'Account' && r.name === 'acct-7')) };
    t = performance.now();
    const folder = plan(gone, world, { maxDeleteFraction: 0 });
    const deleteFolder = ms(t);
    expect(folder.summary.delete).toBe(256);
    expect(folder.errors.map((e) => e.code)).toEqual(['mass-delete']);

    console.log(
      `[info] 282,042 resources: model built in ${built} ms; plan from nothing ${fromNothing} ms (282,042 creates, 250,000 placements); ` +
        `no-op plan ${noop} ms; one change ${oneChange} ms; one tenant removed ${deleteFolder} ms`,
    );
  });
});
