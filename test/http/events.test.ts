import { connect } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import type { ControllerEvent } from '../../controller/run/controller-view.js';
import { startHarness } from './harness.js';

const AT = '2026-11-26T04:00:00.000Z';

function actionEvent(name: string, error?: string): ControllerEvent {
  return { type: 'action', at: AT, op: 'create', kind: 'VirtualMachine', name, account: 'account:acme', result: 'failed', ...(error ? { error } : {}) };
}

/** An open event stream read as text; `until` resolves once the text so far satisfies the predicate. */
async function openStream(url: string) {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/v1/events`, { signal: abort.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  return {
    res,
    get text() {
      return text;
    },
    async until(done: (text: string) => boolean): Promise<string> {
      while (!done(text)) {
        const { value, done: ended } = await reader.read();
        if (ended) throw new Error(`stream ended; got: ${text}`);
        text += value;
      }
      return text;
    },
    close: () => abort.abort(),
  };
}

describe('GET /api/v1/events (server-sent events)', () => {
  it('sends each view event as `event: <type>` and `data: <json>`', async () => {
    const { server, view } = await startHarness();
    const stream = await openStream(server.url);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await vi.waitFor(() => expect(view.subscribers).toBe(1));

    const revision: ControllerEvent = { type: 'revision', at: AT, revision: 'a'.repeat(40), outcome: 'applied' };
    view.emit(revision);
    view.emit(actionEvent('web-1'));
    const text = await stream.until((t) => t.includes('web-1'));
    const frames = text.split('\n\n').filter((f) => f.startsWith('event:'));
    expect(frames).toEqual([
      `event: revision\ndata: ${JSON.stringify(revision)}`,
      `event: action\ndata: ${JSON.stringify(actionEvent('web-1'))}`,
    ]);
    stream.close();
  });

  it('passes event content through unchanged (the view redacts, the server does not transform)', async () => {
    const { server, view } = await startHarness();
    const stream = await openStream(server.url);
    await vi.waitFor(() => expect(view.subscribers).toBe(1));
    const event = actionEvent('db-1', 'password=hunter2 refused');
    view.emit(event);
    const text = await stream.until((t) => t.includes('db-1'));
    expect(text).toContain(`data: ${JSON.stringify(event)}\n\n`);
    stream.close();
  });

  it('sends heartbeat comments while idle', async () => {
    const { server } = await startHarness({ tuning: { sseHeartbeatMs: 20 } });
    const stream = await openStream(server.url);
    const text = await stream.until((t) => t.split(': heartbeat\n\n').length > 2);
    expect(text.startsWith(': cairn event stream\n\n')).toBe(true);
    stream.close();
  });

  it('unsubscribes from the view when the client goes away', async () => {
    const { server, view, registry } = await startHarness();
    const a = await openStream(server.url);
    const b = await openStream(server.url);
    await vi.waitFor(() => expect(view.subscribers).toBe(2));
    expect((await registry.getSingleMetric('cairn_http_sse_clients')!.get()).values[0]!.value).toBe(2);
    a.close();
    await vi.waitFor(() => expect(view.subscribers).toBe(1));
    b.close();
    await vi.waitFor(() => expect(view.subscribers).toBe(0));
    expect((await registry.getSingleMetric('cairn_http_sse_clients')!.get()).values[0]!.value).toBe(0);
  });

  it('ends open streams when the server closes', async () => {
    const { server, view } = await startHarness();
    const stream = await openStream(server.url);
    await vi.waitFor(() => expect(view.subscribers).toBe(1));
    await server.close();
    expect(view.subscribers).toBe(0);
    await expect(stream.until(() => false)).rejects.toThrow(/stream ended/);
  });

  it('drops events for a client that does not read, counts them, and tells it once it catches up', async () => {
    const limit = 64 * 1024;
    const { server, view, registry } = await startHarness({ tuning: { sseMaxBufferedBytes: limit } });
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /api/v1/events HTTP/1.1\r\nHost: test\r\n\r\n');
    await vi.waitFor(() => expect(view.subscribers).toBe(1));
    socket.pause();

    // 4,000 events of ~8 KB (32 MB) to a client that reads nothing: far beyond the kernel's
    // socket buffers, so without a bound the server would hold most of it.
    const pad = 'x'.repeat(8 * 1024);
    const sent = 4000;
    for (let i = 0; i < sent; i++) view.emit(actionEvent(`vm-${i}`, pad));
    const dropped = (await registry.getSingleMetric('cairn_http_sse_dropped_events_total')!.get()).values[0]!.value;
    expect(dropped).toBeGreaterThan(0);

    // The client reads again: it gets what was queued, then `event: dropped` with the count.
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.resume();
    await vi.waitFor(() => expect(text).toContain('event: dropped'), { timeout: 10_000 });
    view.emit(actionEvent('after'));
    await vi.waitFor(() => expect(text).toContain('"name":"after"'), { timeout: 10_000 });
    const delivered = text.split('event: action\n').length - 1 - 1; // minus the "after" event
    const reported = [...text.matchAll(/event: dropped\ndata: \{"count":(\d+)\}/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(reported).toBe(dropped);
    expect(delivered + reported).toBe(sent);
    // Bounded: what reached the client is the buffer's worth plus what the kernel took, not 32 MB.
    expect(delivered).toBeLessThan(sent / 10);
    socket.destroy();
    await vi.waitFor(() => expect(view.subscribers).toBe(0));
  });
});
