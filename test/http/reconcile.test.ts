import { describe, expect, it } from 'vitest';
import { getJson, startHarness } from './harness.js';

const TOKEN = 's3cret-token-value';

describe('POST /api/v1/reconcile', () => {
  const post = (url: string, authorization?: string) =>
    getJson(`${url}/api/v1/reconcile`, { method: 'POST', headers: authorization ? { authorization } : {} });

  it('accepts the right bearer token with 202 and asks the view for a resync', async () => {
    const { server, view } = await startHarness({ token: TOKEN });
    const res = await post(server.url, `Bearer ${TOKEN}`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted' });
    expect(view.resyncReasons).toEqual(['api']);
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer not-the-token'],
    ['the token with a byte more', `Bearer ${TOKEN}x`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['another scheme', `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`],
    ['the bare token', TOKEN],
  ])('refuses %s with 401 and does not resync', async (_what, authorization) => {
    const { server, view } = await startHarness({ token: TOKEN });
    const res = await post(server.url, authorization);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="cairn"/);
    expect(view.resyncReasons).toEqual([]);
  });

  it('answers 503 when no token is configured, whatever is presented', async () => {
    const { server, view } = await startHarness();
    const res = await post(server.url, `Bearer ${TOKEN}`);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('TOKEN_NOT_CONFIGURED');
    expect(view.resyncReasons).toEqual([]);
  });

  it('never writes the token or the Authorization header to the log', async () => {
    const { server, logs } = await startHarness({ token: TOKEN });
    await post(server.url, `Bearer ${TOKEN}`);
    await post(server.url, 'Bearer wrong-token-in-log-test');
    expect(logs.length).toBeGreaterThan(0);
    const text = logs.join('');
    expect(text).toMatch(/"route":"\/api\/v1\/reconcile"/);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('wrong-token-in-log-test');
    expect(text.toLowerCase()).not.toContain('authorization');
  });
});
