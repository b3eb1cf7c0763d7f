import { beforeAll, describe, expect, it } from 'vitest';
import type { DesiredModel } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import type { Action } from '../../reconcilers/action.js';
import { summarise, type Plan } from '../../reconcilers/plan.js';
import { plan } from '../../reconcilers/planner.js';
import { planToJson, renderPlanJson, renderPlanMarkdown, renderPlanText, summaryLine } from '../../reconcilers/render-plan.js';
import { FakeWorld, loadExample, observe, res, withSpec } from './support.js';

let example: DesiredModel;
let applied: ObservedResource[];

beforeAll(async () => {
  example = await loadExample();
  applied = new FakeWorld().apply(plan(example, [])).observe();
});

/** The example with one of each op against the applied world. */
function mixedPlan(): Plan {
  const resources = example.resources
    .filter((r) => !(r.kind === 'Volume' || r.kind === 'Snapshot' || r.kind === 'EgressRule'))
    .map((r) => {
      if (r.name === 'web-1') return withSpec(r, { serviceOffering: 'large-ssd', userData: 'password=hunter2' });
      if (r.name === 'web-2') return withSpec(r, { state: 'Stopped' });
      if (r.name === 'db-1') return withSpec(r, { template: 'debian-13' });
      return r;
    });
  resources.push(res('VirtualMachine', 'web-3', { zone: 'zone1', serviceOffering: 'small', template: 'debian-12', networks: [{ network: 'web-net' }], sshKey: 'ssh-ed25519 SECRETKEY' }));
  const world = structuredClone(applied);
  const stopped = world.find((o) => o.kind === 'VirtualMachine' && o.name === 'web-1')!;
  stopped.status = { ...stopped.status, state: 'Stopped' };
  world.push({ ...observe(res('VirtualMachine', 'intruder', {})), managed: false, externalId: 'i-42' });
  return plan({ ...example, resources }, world, { allowMassDelete: true });
}

describe('text', () => {
  it('one line per action with its symbol, identity and reason; diffs indented below; a summary line', () => {
    const text = renderPlanText(mixedPlan());
    const lines = text.split('\n');
    expect(lines).toContain('  + create  VirtualMachine acme/web-3 (not in the world)');
    expect(lines).toContain('        placement: host h1, storage ps1');
    expect(lines).toContain('  ~ update  VirtualMachine acme/web-1 (serviceOffering, userData changed (the provider stops the VM, changes its offering and starts it again if it was running))');
    expect(lines).toContain('        ~ serviceOffering: "small" → "large-ssd"');
    expect(lines).toContain('        + userData: (sensitive)');
    expect(lines).toContain('  > start   VirtualMachine acme/web-1 (Stopped in the world, Running in git)');
    expect(lines).toContain('  < stop    VirtualMachine acme/web-2 (Running in the world, Stopped in git)');
    expect(lines).toContain('-/+ replace VirtualMachine acme/db-1 (template changed and cannot change in place) [destructive]');
    expect(lines).toContain('        ~ template: "debian-12" → "debian-13"');
    expect(lines).toContain('  - delete  EgressRule acme/web-out (removed from git) [destructive]');
    expect(lines).toContain('  ! orphan  Volume acme/db-1-data (removed from git; deletionPolicy Retain: data kept, no longer managed) — DATA KEPT, NO LONGER MANAGED');
    expect(text).toMatch(/! 2 objects will be orphaned: the data stays in the world and cairn stops managing it/);
    expect(text).toMatch(/Unmanaged: 1 object in the world without cairn's identity, left alone:\n {2}\? VirtualMachine acme\/intruder \(i-42\)/);
    expect(lines.at(-2)).toBe('Plan: 1 to create, 1 to update, 1 to replace, 1 to delete, 2 to orphan, 1 to start, 1 to stop (2 destructive).');
    expect(text).not.toMatch(/hunter2|SECRETKEY/);
    expect(text).not.toMatch(/\x1b\[/);
  });

  it('"No changes." when there is nothing to do', () => {
    expect(renderPlanText(plan(example, applied))).toBe('No changes. The world matches git.\n');
  });

  it('errors are listed, loudly', () => {
    const p = plan({ ...example, resources: example.resources.filter((r) => r.kind !== 'Host') }, []);
    const text = renderPlanText(p);
    expect(text).toMatch(/Errors: this plan cannot be applied \(3\):\n {2}✗ placement: VirtualMachine acme\/web-1: zone zone1 has no hosts/);
  });

  it('colours only when asked, and can cut a long plan short', () => {
    const p = plan(example, []);
    expect(renderPlanText(p, { color: true })).toMatch(/\x1b\[32m {2}\+ create/);
    const short = renderPlanText(p, { maxActions: 2 });
    expect(short.split('\n').filter((l) => l.includes('+ create'))).toHaveLength(2);
    expect(short).toMatch(/… and 28 more actions/);
  });

  it('redacts secrets even in a diff that did not come from the planner', () => {
    const a: Action = {
      id: 'update:VirtualMachine/account:acme/x', op: 'update', kind: 'VirtualMachine', name: 'x', owner: 'account:acme', reason: 'r', dependsOn: [], destructive: false,
      fields: [
        { path: 'userData', from: 'old-secret', to: 'new-secret' },
        { path: 'sshKey', to: 'ssh-rsa KEY' },
      ],
    };
    const p: Plan = { revision: 'abc', actions: [a], summary: summarise([a], 0), errors: [], unmanaged: [] };
    const text = renderPlanText(p);
    expect(text).toMatch(/~ userData: \(sensitive\) → \(sensitive\)/);
    expect(text).toMatch(/\+ sshKey: \(sensitive\)/);
    expect(text + renderPlanJson(p) + renderPlanMarkdown(p)).not.toMatch(/secret|KEY/);
  });
});

describe('summary line', () => {
  it('names only the ops present', () => {
    expect(summaryLine({ create: 3, update: 1, replace: 0, delete: 0, orphan: 0, start: 0, stop: 0, destructive: 0, unmanaged: 0 })).toBe('Plan: 3 to create, 1 to update.');
  });
});

describe('JSON', () => {
  it('has the documented shape, no spec and no secrets', () => {
    const p = mixedPlan();
    const json = JSON.parse(renderPlanJson(p));
    expect(Object.keys(json)).toEqual(['revision', 'actions', 'summary', 'errors', 'unmanaged']);
    expect(json.summary).toEqual(p.summary);
    const create = json.actions.find((a: { id: string }) => a.id === 'create:VirtualMachine/account:acme/web-3');
    expect(create).toEqual({
      id: 'create:VirtualMachine/account:acme/web-3',
      op: 'create',
      kind: 'VirtualMachine',
      name: 'web-3',
      account: 'acme',
      owner: 'account:acme',
      reason: 'not in the world',
      fields: [],
      dependsOn: [],
      destructive: false,
      placement: { host: 'h1', storage: 'ps1' },
    });
    const update = json.actions.find((a: { op: string }) => a.op === 'update');
    expect(update.fields).toEqual([
      { path: 'serviceOffering', from: 'small', to: 'large-ssd' },
      { path: 'userData', to: '(sensitive)' },
    ]);
    expect(json.actions.find((a: { kind: string }) => a.kind === 'Zone')).toBeUndefined();
    const zone = planToJson(plan(example, [])).actions.find((a) => a.kind === 'Zone')!;
    expect(zone.account).toBeNull();
    expect(zone.owner).toBeNull();
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/"spec"|hunter2|SECRETKEY|externalId":"fake/);
    expect(json.unmanaged).toEqual([{ kind: 'VirtualMachine', name: 'intruder', owner: 'account:acme', externalId: 'i-42' }]);
  });

  it('carries the errors', () => {
    const p = plan({ ...example, resources: example.resources.filter((r) => r.kind !== 'Host') }, []);
    expect(planToJson(p).errors).toHaveLength(3);
    expect(planToJson(p).errors[0]).toMatchObject({ code: 'placement', kind: 'VirtualMachine', name: 'web-1', owner: 'account:acme' });
  });
});

describe('markdown', () => {
  it('a heading, the summary and a diff block', () => {
    const md = renderPlanMarkdown({ ...mixedPlan(), revision: '0123456789abcdef' });
    expect(md).toMatch(/^#### cairn plan for `0123456789ab`\n\n\*\*Plan: 1 to create/);
    expect(md).toMatch(/```diff\n/);
    expect(md).toMatch(/\n\+ create  VirtualMachine acme\/web-3 \(not in the world\)\n/);
    expect(md).toMatch(/\n- delete  EgressRule acme\/web-out/);
    expect(md).not.toMatch(/hunter2|SECRETKEY/);
  });
});
