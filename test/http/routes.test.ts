import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { getJson, startHarness } from './harness.js';
import { vm } from './fake-view.js';

describe('status API read routes', () => {
  it('GET /healthz answers 200 while serving', async () => {
    const { server } = await startHarness();
    const res = await getJson(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz follows view.ready()', async () => {
    const { server, view } = await startHarness();
    view.isReady = false;
    const notReady = await getJson(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.body.error.code).toBe('NOT_READY');
    view.isReady = true;
    expect((await getJson(`${server.url}/readyz`)).status).toBe(200);
  });

  it('GET /api/v1/status is the view\'s snapshot', async () => {
    const { server, view } = await startHarness();
    view.snapshot = {
      ...view.snapshot,
      rejectedRevision: { revision: 'c'.repeat(40), errors: [] },
    };
    const res = await getJson(`${server.url}/api/v1/status`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual(view.snapshot);
  });

  it('GET /api/v1/resources passes the filter to the view and wraps the items', async () => {
    const { server, view } = await startHarness();
    view.items = [vm('web-1'), vm('web-2', 'failed')];
    const all = await getJson(`${server.url}/api/v1/resources`);
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ items: view.items });
    const failed = await getJson(`${server.url}/api/v1/resources?kind=VirtualMachine&account=acme&status=failed`);
    expect(failed.body.items.map((i: { name: string }) => i.name)).toEqual(['web-2']);
    expect(view.filters.at(-1)).toEqual({ kind: 'VirtualMachine', account: 'acme', status: 'failed' });
    await getJson(`${server.url}/api/v1/resources?kind=&status=`);
    expect(view.filters.at(-1)).toEqual({});
  });

  it.each([
    ['status=faild', /unknown status "faild"; allowed: ready, progressing, failed, drifted/],
    ['kind=VirtualMachin', /unknown kind "VirtualMachin"/],
    ['sort=name', /unknown query parameter "sort"/],
    ['status=ready&status=failed', /given more than once/],
    ['limit=0', /limit must be an integer/],
    ['limit=10001', /limit must be an integer/],
    ['limit=1.5', /limit must be an integer/],
    ['continue=abc', /continue needs limit/],
    ['limit=1&continue=not-a-token', /malformed continue token/],
  ])('GET /api/v1/resources?%s is a 400 with a JSON error', async (query, message) => {
    const { server, view } = await startHarness();
    view.items = [vm('web-1')];
    const res = await getJson(`${server.url}/api/v1/resources?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_QUERY');
    expect(res.body.error.message).toMatch(message);
  });

  it('pages with limit and continue, without skipping or repeating when the list shifts', async () => {
    const { server, view } = await startHarness();
    view.items = Array.from({ length: 10 }, (_, i) => vm(`vm-${i}`));
    const names = (body: { items: { name: string }[] }) => body.items.map((i) => i.name);

    const first = await getJson(`${server.url}/api/v1/resources?limit=4`);
    expect(names(first.body)).toEqual(['vm-0', 'vm-1', 'vm-2', 'vm-3']);
    expect(typeof first.body.continue).toBe('string');
    // Two resources before the cursor disappear: the next page still starts after vm-3.
    view.items = view.items.filter((i) => i.name !== 'vm-0' && i.name !== 'vm-1');
    const second = await getJson(`${server.url}/api/v1/resources?limit=4&continue=${first.body.continue}`);
    expect(names(second.body)).toEqual(['vm-4', 'vm-5', 'vm-6', 'vm-7']);
    const last = await getJson(`${server.url}/api/v1/resources?limit=4&continue=${second.body.continue}`);
    expect(names(last.body)).toEqual(['vm-8', 'vm-9']);
    expect(last.body).not.toHaveProperty('continue');

    // The item the token points after is gone: 410, start again.
    view.items = view.items.filter((i) => i.name !== 'vm-7');
    const expired = await getJson(`${server.url}/api/v1/resources?limit=4&continue=${second.body.continue}`);
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('CONTINUE_EXPIRED');
    // A token is tied to its filter.
    const otherFilter = await getJson(`${server.url}/api/v1/resources?status=ready&limit=4&continue=${first.body.continue}`);
    expect(otherFilter.status).toBe(400);
  });

  it('GET /api/v1/drift answers items and unmanaged', async () => {
    const { server, view } = await startHarness();
    view.driftItems = [{
      kind: 'VirtualMachine', name: 'web-1', account: 'account:acme', policy: 'report',
      fields: [{ path: 'state', desired: 'Running', observed: 'Stopped' }],
      firstSeenAt: '2026-11-26T04:00:00.000Z', lastSeenAt: '2026-11-26T04:01:00.000Z', correctedAt: null,
    }];
    view.unmanaged = [{ kind: 'VirtualMachine', name: 'stray', account: null, externalId: 'sim-42' }];
    const res = await getJson(`${server.url}/api/v1/drift`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: view.driftItems, unmanaged: view.unmanaged });
  });

  it('passes what the view hands out unchanged: redaction is the view\'s job, not the server\'s', async () => {
    const { server, view } = await startHarness();
    const item = vm('web-1');
    // What a buggy view would leak goes out as is; the server neither hides nor transforms it.
    item.desired = { password: 'hunter2', userData: '#cloud-config' };
    view.items = [item];
    const res = await getJson(`${server.url}/api/v1/resources`);
    expect(res.body.items[0].desired).toEqual({ password: 'hunter2', userData: '#cloud-config' });
  });

  it('answers an unknown route 404 and a wrong method 405 with Allow, both as JSON errors', async () => {
    const { server } = await startHarness();
    const missing = await getJson(`${server.url}/api/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'NOT_FOUND', message: 'no route /api/v1/nothing' } });
    const wrong = await getJson(`${server.url}/api/v1/status`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(wrong.body.error.code).toBe('METHOD_NOT_ALLOWED');
    const getOnPost = await getJson(`${server.url}/api/v1/reconcile`);
    expect(getOnPost.status).toBe(405);
    expect(getOnPost.headers.get('allow')).toBe('POST');
  });

  it('answers a request target that is not a URL 400, and keeps serving', async () => {
    const { server } = await startHarness();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write('GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('{"error":{"code":"BAD_REQUEST","message":"the request target is not a valid URL"}}');
    expect((await getJson(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers a view that throws with a 500 JSON error and logs it', async () => {
    const { server, view, logs } = await startHarness();
    view.status = () => {
      throw new Error('boom');
    };
    const res = await getJson(`${server.url}/api/v1/status`);
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL');
    expect(res.body.error.message).not.toMatch(/boom/);
    expect(logs.some((l) => l.includes('boom'))).toBe(true);
  });
});
