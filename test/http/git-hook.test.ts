import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { getJson, startHarness } from './harness.js';

const SECRET = 'webhook-shared-secret';
const BODY = JSON.stringify({ ref: 'refs/heads/main', after: 'f'.repeat(40) });

/** Computed here with node:crypto, independently of the server's hmac.ts. */
function sign(body: string | Buffer, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function post(url: string, body: string | Buffer, headers: Record<string, string>) {
  return getJson(`${url}/hooks/git`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/json', ...headers } });
}

describe('POST /hooks/git', () => {
  it('accepts a push with a good signature: 202 and notifyPush', async () => {
    const { server, view } = await startHarness({ webhookSecret: SECRET });
    const res = await post(server.url, BODY, { 'x-github-event': 'push', 'x-hub-signature-256': sign(BODY) });
    expect(res.status).toBe(202);
    expect(view.pushes).toBe(1);
  });

  it('accepts the signature in upper-case hex', async () => {
    const { server, view } = await startHarness({ webhookSecret: SECRET });
    const upper = 'sha256=' + sign(BODY).slice(7).toUpperCase();
    expect((await post(server.url, BODY, { 'x-hub-signature-256': upper })).status).toBe(202);
    expect(view.pushes).toBe(1);
  });

  it('answers a signed ping 200 without looking at the branch', async () => {
    const { server, view } = await startHarness({ webhookSecret: SECRET });
    const res = await post(server.url, '{"zen":"Design for failure."}', {
      'x-github-event': 'ping',
      'x-hub-signature-256': sign('{"zen":"Design for failure."}'),
    });
    expect(res.status).toBe(200);
    expect(view.pushes).toBe(0);
  });

  it.each([
    ['missing', undefined],
    ['of another body', sign(BODY + ' ')],
    ['made with another secret', sign(BODY, 'not-the-secret')],
    ['too short', sign(BODY).slice(0, -2)],
    ['too long', sign(BODY) + '00'],
    ['without the sha256= prefix', sign(BODY).slice(7)],
    ['sha1', `sha1=${createHmac('sha1', SECRET).update(BODY).digest('hex')}`],
    ['not hex', 'sha256=' + 'z'.repeat(64)],
    ['empty', ''],
  ])('refuses a signature that is %s with 401', async (_what, signature) => {
    const { server, view } = await startHarness({ webhookSecret: SECRET });
    const res = await post(server.url, BODY, signature === undefined ? {} : { 'x-hub-signature-256': signature });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
    expect(view.pushes).toBe(0);
  });

  it('is a 503 when no secret is configured', async () => {
    const { server, view } = await startHarness();
    const res = await post(server.url, BODY, { 'x-hub-signature-256': sign(BODY) });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('WEBHOOK_NOT_CONFIGURED');
    expect(view.pushes).toBe(0);
  });

  it('refuses a body over the limit with 413, declared or chunked', async () => {
    const { server, view } = await startHarness({ webhookSecret: SECRET, tuning: { maxBodyBytes: 1024 } });
    const big = Buffer.alloc(2048, 'a');
    const declared = await post(server.url, big, { 'x-hub-signature-256': sign(big) });
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    // Chunked: no Content-Length, the limit is found while reading.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}/hooks/git`, { method: 'POST', headers: { 'x-hub-signature-256': sign(big) } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write(big.subarray(0, 1000));
      req.write(big.subarray(1000));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error.code).toBe('PAYLOAD_TOO_LARGE');

    // Exactly at the limit is fine.
    const fits = Buffer.alloc(1024, 'b');
    expect((await post(server.url, fits, { 'x-hub-signature-256': sign(fits) })).status).toBe(202);
    expect(view.pushes).toBe(1);
  });

  it('does not log the signature or the body', async () => {
    const { server, logs } = await startHarness({ webhookSecret: SECRET });
    const signature = sign(BODY);
    await post(server.url, BODY, { 'x-hub-signature-256': signature });
    await post(server.url, BODY, { 'x-hub-signature-256': sign(BODY, 'x') });
    const text = logs.join('');
    expect(text).toMatch(/push notification accepted/);
    expect(text).toMatch(/webhook refused/);
    expect(text).not.toContain(signature.slice(7));
    expect(text).not.toContain('refs/heads/main');
    expect(text).not.toContain(SECRET);
  });
});
