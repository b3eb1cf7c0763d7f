import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { streamJson } from '../../controller/http/json-stream.js';
import { startHarness } from './harness.js';
import { vm } from './fake-view.js';

describe('large answers are streamed', () => {
  it('sends 20,000 resources chunked, as one valid document, in the view\'s order', async () => {
    const { server, view } = await startHarness();
    view.items = Array.from({ length: 20_000 }, (_, i) => vm(`vm-${i}`));
    const res = await fetch(`${server.url}/api/v1/resources`);
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const reader = res.body!.getReader();
    const parts: Uint8Array[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
    expect(parts.length).toBeGreaterThan(10);
    const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    expect(body.items).toHaveLength(20_000);
    expect(body.items[19_999]).toEqual(view.items[19_999]);
  });

  it('stops writing and returns when the client goes away mid-answer', async () => {
    let finished!: (written: number) => void;
    const done = new Promise<number>((resolve) => (finished = resolve));
    const server = createServer((_req, res) => {
      let written = 0;
      const write = res.write.bind(res);
      res.write = ((chunk: string) => {
        written += chunk.length;
        return write(chunk);
      }) as typeof res.write;
      void streamJson(res, 200, { items: Array.from({ length: 200_000 }, (_, i) => vm(`vm-${i}`)) }).then(() => finished(written));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const abort = new AbortController();
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { signal: abort.signal });
      await res.body!.getReader().read();
      abort.abort();
      // Without the 'close' wait in json-stream this never resolves: nobody drains a dead socket.
      const written = await done;
      expect(written).toBeLessThan(200_000 * 300);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('streams the drift answer too', async () => {
    const { server, view } = await startHarness();
    view.unmanaged = Array.from({ length: 5_000 }, (_, i) => ({ kind: 'VirtualMachine' as const, name: `stray-${i}`, account: null, externalId: `x-${i}` }));
    const res = await fetch(`${server.url}/api/v1/drift`);
    expect(res.headers.get('content-length')).toBeNull();
    const body = await res.json();
    expect(body).toEqual({ items: [], unmanaged: view.unmanaged });
  });
});
