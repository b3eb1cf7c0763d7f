import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach } from 'vitest';
import { startStatusServer, type StatusServer, type StatusServerOptions } from '../../controller/http/status-server.js';
import { FakeView } from './fake-view.js';

export interface Harness {
  server: StatusServer;
  view: FakeView;
  registry: Registry;
  /** Every log line the server wrote, as raw JSON text. */
  logs: string[];
}

const started: StatusServer[] = [];

/** Every test file that starts servers stops them after each test. */
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

export async function startHarness(options: Partial<StatusServerOptions> = {}): Promise<Harness> {
  const view = (options.view as FakeView | undefined) ?? new FakeView();
  const registry = options.registry ?? new Registry();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const server = await startStatusServer({
    listen: '127.0.0.1:0',
    logger: pino({ level: 'debug' }, sink),
    ...options,
    view,
    registry,
  });
  started.push(server);
  return { server, view, registry, logs };
}

export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
