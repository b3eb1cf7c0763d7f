import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseListenAddress } from '../../controller/http/listen-address.js';
import { startStatusServer } from '../../controller/http/status-server.js';
import { FakeView } from './fake-view.js';
import { getJson, startHarness } from './harness.js';

const base = () => ({ view: new FakeView(), registry: new Registry(), logger: pino({ level: 'silent' }) });

describe('where the status server listens', () => {
  it('binds the given loopback address and reports the port the kernel chose for port 0', async () => {
    const { server } = await startHarness({ listen: '127.0.0.1:0' });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((await getJson(`${server.url}/healthz`)).status).toBe(200);
  });

  it.each(['0.0.0.0:0', '192.0.2.10:0', '[::]:0', 'example.com:0', '10.0.0.1:7070'])(
    'refuses %s unless allowNonLoopback, before binding anything',
    async (listen) => {
      await expect(startStatusServer({ ...base(), listen })).rejects.toMatchObject({
        name: 'NonLoopbackListenError',
        code: 'HTTP_LISTEN_NOT_LOOPBACK',
      });
    },
  );

  it.each(['7070', 'localhost', '127.0.0.1:70000', '127.0.0.1:-1', '[127.0.0.1]:80', '::1:80', ''])(
    'refuses the malformed address "%s"',
    async (listen) => {
      await expect(startStatusServer({ ...base(), listen })).rejects.toMatchObject({ code: 'HTTP_LISTEN_ADDRESS' });
    },
  );

  it('surfaces an address in use as the listen error', async () => {
    const { server } = await startHarness();
    await expect(startStatusServer({ ...base(), listen: `127.0.0.1:${server.port}` })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('knows loopback addresses', () => {
    expect(parseListenAddress('[::1]:7070')).toEqual({ host: '::1', port: 7070 });
    expect(parseListenAddress('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', 'example.com', '128.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });
});
