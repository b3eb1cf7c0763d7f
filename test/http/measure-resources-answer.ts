/**
 * Measures GET /api/v1/resources at CloudStack size (275,000 resources) one way per process:
 *   node --import tsx test/http/measure-resources-answer.ts stream|stringify
 * `stream` is the server as built; `stringify` answers the same route with one JSON.stringify, the
 * obvious alternative. Prints the answer's size, time to first byte and to the last, and the peak
 * RSS and heap of the process (server and client are in the same process; the client discards).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Registry } from 'prom-client';
import { startStatusServer } from '../../controller/http/status-server.js';
import { FakeView, vm } from './fake-view.js';

const COUNT = 275_000;
const mode = process.argv[2] ?? 'stream';
const view = new FakeView();
view.items = Array.from({ length: COUNT }, (_, i) => {
  const item = vm(`vm-${String(i).padStart(6, '0')}`, 'ready', `account:tenant-${i % 1000}`);
  item.desired = { ...(item.desired as object), networks: [{ network: `net-${i % 5000}`, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }], rootDiskSizeGiB: 20, labels: { tier: 'web', team: `team-${i % 50}` } };
  item.observed = { ...item.observed, instanceName: `i-2-${i}-VM`, macAddress: '02:00:4c:4f:4f:50', ip: `10.0.${(i >> 8) & 255}.${i & 255}` };
  return item;
});

let peakHeap = 0;
const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5);
const baseRss = process.memoryUsage().rss;
const baseHeap = process.memoryUsage().heapUsed;

let url: string;
let close: () => Promise<void>;
if (mode === 'stream') {
  const server = await startStatusServer({ view, registry: new Registry(), listen: '127.0.0.1:0', logger: pino({ level: 'silent' }) });
  url = server.url;
  close = server.close;
} else {
  const server = createServer((_req, res) => {
    const text = JSON.stringify({ items: view.resources({}) });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
}

const started = performance.now();
const res = await fetch(`${url}/api/v1/resources`);
const reader = res.body!.getReader();
let bytes = 0;
let firstByteMs = 0;
for (;;) {
  const { value, done } = await reader.read();
  if (done) break;
  if (bytes === 0) firstByteMs = performance.now() - started;
  bytes += value.byteLength;
}
const totalMs = performance.now() - started;
clearInterval(sampler);
await close();
const mib = (n: number) => Math.round(n / 1024 / 1024);
console.log(JSON.stringify({
  mode, resources: COUNT, answerMiB: mib(bytes), firstByteMs: Math.round(firstByteMs), totalMs: Math.round(totalMs),
  peakRssMiB: mib(process.resourceUsage().maxRSS * 1024), rssBeforeMiB: mib(baseRss), peakHeapOverBaseMiB: mib(peakHeap - baseHeap),
}));
