import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Wraps the real timingSafeEqual in a spy: the checks must go through it, with equal-length digests.
const spy = vi.hoisted(() => ({ calls: [] as [Buffer, Buffer][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      spy.calls.push([Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)]);
      return real.timingSafeEqual(a, b);
    },
  };
});

const { verifyHubSignature } = await import('../../controller/http/hmac.js');
const { requireBearer } = await import('../../controller/http/bearer.js');

const SECRET = 'k';
const body = Buffer.from('{"ref":"refs/heads/main"}');
const good = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

function request(authorization?: string): IncomingMessage {
  return { headers: authorization === undefined ? {} : { authorization } } as IncomingMessage;
}

describe('credential checks compare in constant time', () => {
  beforeEach(() => {
    spy.calls.length = 0;
  });

  it.each([
    ['good', good, true],
    ['wrong', `sha256=${'0'.repeat(64)}`, false],
    ['wrong length', good.slice(0, 20), false],
    ['missing', undefined, false],
  ])('HMAC signature, %s: one timingSafeEqual over two 32-byte digests', (_what, header, expected) => {
    expect(verifyHubSignature(body, SECRET, header)).toBe(expected);
    expect(spy.calls).toHaveLength(1);
    expect(spy.calls[0]![0].length).toBe(32);
    expect(spy.calls[0]![1].length).toBe(32);
  });

  it.each([
    ['right', 'Bearer tok', true],
    ['wrong', 'Bearer tak', false],
    ['longer', 'Bearer token-much-longer-than-the-real-one', false],
  ])('bearer token, %s: one timingSafeEqual over two 32-byte digests', (_what, header, ok) => {
    const check = () => requireBearer(request(header), 'tok');
    if (ok) expect(check).not.toThrow();
    else expect(check).toThrow(/invalid bearer token/);
    expect(spy.calls).toHaveLength(1);
    expect(spy.calls[0]!.map((b) => b.length)).toEqual([32, 32]);
  });
});
