import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createControllerMetrics } from '../../controller/metrics/controller-metrics.js';
import { startHarness } from './harness.js';

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample line, e.g. `cairn_actions_total{kind="VirtualMachine",op="create",result="succeeded"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('exposes every cairn_ metric, default process metrics included', async () => {
    const registry = new Registry();
    createControllerMetrics(registry);
    const { server } = await startHarness({ registry });
    const text = await scrape(server.url);
    for (const name of [
      'cairn_reconcile_duration_seconds', 'cairn_action_duration_seconds', 'cairn_actions_total', 'cairn_queue_depth',
      'cairn_drifted_resources', 'cairn_unmanaged_objects', 'cairn_applied_revision_age_seconds',
      'cairn_applied_revision_timestamp_seconds', 'cairn_http_requests_total', 'cairn_http_sse_clients',
      'cairn_http_sse_dropped_events_total', 'cairn_process_cpu_seconds_total', 'cairn_process_resident_memory_bytes',
      'cairn_nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    expect(names.filter((n) => !n.startsWith('cairn_'))).toEqual([]);
  });

  it('moves with the ControllerMetrics calls', async () => {
    const registry = new Registry();
    const metrics = createControllerMetrics(registry);
    const { server } = await startHarness({ registry });

    metrics.observeReconcile(0.3, 'ok');
    metrics.observeReconcile(12, 'rejected');
    metrics.observeAction('VirtualMachine', 'create', 'succeeded', 0.02);
    metrics.observeAction('VirtualMachine', 'create', 'succeeded', 0.03);
    metrics.observeAction('Volume', 'delete', 'failed', 2);
    metrics.setQueueDepth(17);
    metrics.setDrifted(3);
    metrics.setUnmanaged(5);
    metrics.setAppliedAt(Date.now() - 90_000);
    const text = await scrape(server.url);

    expect(sample(text, 'cairn_reconcile_duration_seconds_count{outcome="ok"}')).toBe(1);
    expect(sample(text, 'cairn_reconcile_duration_seconds_sum{outcome="rejected"}')).toBe(12);
    expect(sample(text, 'cairn_reconcile_duration_seconds_bucket{le="0.5",outcome="ok"}')).toBe(1);
    expect(sample(text, 'cairn_reconcile_duration_seconds_bucket{le="0.25",outcome="ok"}')).toBe(0);
    expect(sample(text, 'cairn_actions_total{kind="VirtualMachine",op="create",result="succeeded"}')).toBe(2);
    expect(sample(text, 'cairn_actions_total{kind="Volume",op="delete",result="failed"}')).toBe(1);
    expect(sample(text, 'cairn_action_duration_seconds_count{kind="VirtualMachine",op="create",result="succeeded"}')).toBe(2);
    expect(sample(text, 'cairn_action_duration_seconds_sum{kind="Volume",op="delete",result="failed"}')).toBe(2);
    expect(sample(text, 'cairn_queue_depth')).toBe(17);
    expect(sample(text, 'cairn_drifted_resources')).toBe(3);
    expect(sample(text, 'cairn_unmanaged_objects')).toBe(5);
    const age = sample(text, 'cairn_applied_revision_age_seconds')!;
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(120);
  });

  it('computes the applied revision age at scrape time, NaN before the first apply', async () => {
    const registry = new Registry();
    const metrics = createControllerMetrics(registry);
    const { server } = await startHarness({ registry });
    expect(await scrape(server.url)).toMatch(/^cairn_applied_revision_age_seconds Nan$/m);
    metrics.setAppliedAt(Date.now() - 1_000);
    const first = sample(await scrape(server.url), 'cairn_applied_revision_age_seconds')!;
    await new Promise((r) => setTimeout(r, 1_100));
    const later = sample(await scrape(server.url), 'cairn_applied_revision_age_seconds')!;
    expect(later - first).toBeGreaterThanOrEqual(1);
  });

  it('binds a second createControllerMetrics on the same registry to the same series', async () => {
    const registry = new Registry();
    createControllerMetrics(registry).setQueueDepth(1);
    const again = createControllerMetrics(registry);
    again.setQueueDepth(4);
    again.setAppliedAt(Date.now() - 10_000);
    const text = await registry.metrics();
    expect(sample(text, 'cairn_queue_depth')).toBe(4);
    expect(sample(text, 'cairn_applied_revision_age_seconds')).toBeGreaterThanOrEqual(10);
  });

  it('counts HTTP requests by route, method and status; unknown paths under one label', async () => {
    const { server, registry } = await startHarness();
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/api/v1/resources?status=nope`);
    await fetch(`${server.url}/no/such/path/1`);
    await fetch(`${server.url}/no/such/path/2`);
    await fetch(`${server.url}/api/v1/status`, { method: 'PUT' });
    const text = await registry.metrics();
    expect(sample(text, 'cairn_http_requests_total{route="/healthz",method="GET",status="200"}')).toBe(2);
    expect(sample(text, 'cairn_http_requests_total{route="/api/v1/resources",method="GET",status="400"}')).toBe(1);
    expect(sample(text, 'cairn_http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(2);
    expect(sample(text, 'cairn_http_requests_total{route="/api/v1/status",method="PUT",status="405"}')).toBe(1);
    expect(text).not.toContain('/no/such/path');
  });
});
