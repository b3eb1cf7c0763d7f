/** How the view tells ready, progressing, failed and drifted apart, from the few keys that need attention. */
import { describe, expect, it } from 'vitest';
import type { Resource } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import { listResources, summarise, type ResourceFacts } from '../../controller/run/resource-view.js';

const vm = (name: string): Resource => ({
  kind: 'VirtualMachine', name, tenant: 'acme', tenantType: 'account', source: { file: 'vms.yaml', docIndex: 0 },
  doc: { apiVersion: 'cairn.dev/v1', kind: 'VirtualMachine', metadata: { name, account: 'acme' }, spec: { zone: 'z1', userData: 'c2VjcmV0' } },
});
const key = (name: string) => `VirtualMachine/account:acme/${name}`;
const names = ['ok', 'broken', 'queued', 'booting', 'drifted', 'missing'];
const byKey = new Map(names.map((n) => [key(n), vm(n)] as const));
const observed = (state: string): ObservedResource => ({ kind: 'VirtualMachine', name: 'x', owner: 'account:acme', externalId: 'sim-1', managed: true, spec: { zone: 'z1', userData: 'c2VjcmV0' }, status: { state, host: 'h1' } });

const facts: ResourceFacts = {
  observed: (r) => (r.name === 'missing' ? undefined : observed(r.name === 'booting' ? 'Starting' : 'Running')),
  lastError: (k) => (k === key('broken') ? 'host h1 is down' : undefined),
  drifted: (k) => k === key('drifted'),
  pending: (k) => k === key('queued') || k === key('missing'),
  since: () => '2026-01-01T00:00:00.000Z',
  attention: () => [key('broken'), key('drifted'), key('queued'), key('missing'), key('booting'), key('queued')],
};

describe('resource view', () => {
  it('counts from the keys that need attention; every other resource is ready', () => {
    expect(summarise(byKey, facts, 3)).toEqual({ ready: 1, progressing: 3, failed: 1, drifted: 1, unmanaged: 3 });
  });

  it('lists with filters, redacted, with the provider\'s state and the last error', () => {
    const failed = listResources(byKey, facts, { status: 'failed' });
    expect(failed).toEqual([expect.objectContaining({ name: 'broken', account: 'account:acme', lastError: 'host h1 is down', observed: expect.objectContaining({ state: 'Running', userData: '(redacted)' }) })]);
    expect(failed[0]!.desired).toEqual({ zone: 'z1', userData: '(redacted)' });
    expect(failed[0]!.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'False', reason: 'ActionFailed', message: 'host h1 is down' })]);
    expect(listResources(byKey, facts, { account: 'acme', status: 'progressing' }).map((i) => i.name)).toEqual(['queued', 'booting', 'missing']);
    expect(listResources(byKey, facts, { account: 'project:acme' })).toEqual([]);
    expect(listResources(byKey, facts, { kind: 'VirtualMachine', status: 'ready' }).map((i) => i.name)).toEqual(['ok']);
  });
});
