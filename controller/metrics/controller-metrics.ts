import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';
import type { ControllerMetrics } from '../run/controller-view.js';
import { registeredMetric } from './registered-metric.js';

export const METRIC_PREFIX = 'cairn_';

const appliedAtByRegistry = new WeakMap<Registry, { epochMs: number }>();

/** A reconcile pass runs from milliseconds (no-op) to minutes (a data center from scratch). */
const RECONCILE_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
/** A provider call: the simulator answers in microseconds, a libvirt call in tens of ms, a VM start in seconds. */
const ACTION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The loop's metrics on `registry`, plus the process's default metrics (CPU, memory, event loop,
 * GC) under the same prefix. Safe to call twice on one registry: the second call returns metrics
 * bound to the metrics already registered.
 */
export function createControllerMetrics(registry: Registry): ControllerMetrics {
  if (!registry.getSingleMetric(`${METRIC_PREFIX}process_cpu_seconds_total`)) {
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  }
  const reconcileDuration = registeredMetric(registry, 'cairn_reconcile_duration_seconds', () => new Histogram({
    name: 'cairn_reconcile_duration_seconds',
    help: 'Duration of one reconcile pass (load, observe, plan, apply), by outcome (ok, failed, rejected).',
    labelNames: ['outcome'] as const,
    buckets: RECONCILE_BUCKETS,
    registers: [registry],
  }));
  const actionDuration = registeredMetric(registry, 'cairn_action_duration_seconds', () => new Histogram({
    name: 'cairn_action_duration_seconds',
    help: 'Duration of one provider action, by kind, op and result.',
    labelNames: ['kind', 'op', 'result'] as const,
    buckets: ACTION_BUCKETS,
    registers: [registry],
  }));
  const actions = registeredMetric(registry, 'cairn_actions_total', () => new Counter({
    name: 'cairn_actions_total',
    help: 'Provider actions finished, by kind, op and result (succeeded, failed, retried).',
    labelNames: ['kind', 'op', 'result'] as const,
    registers: [registry],
  }));
  const queueDepth = registeredMetric(registry, 'cairn_queue_depth', () => new Gauge({
    name: 'cairn_queue_depth',
    help: 'Work items waiting in the reconcile queue.',
    registers: [registry],
  }));
  const drifted = registeredMetric(registry, 'cairn_drifted_resources', () => new Gauge({
    name: 'cairn_drifted_resources',
    help: 'Managed resources whose observed state differs from git (open drift records).',
    registers: [registry],
  }));
  const unmanaged = registeredMetric(registry, 'cairn_unmanaged_objects', () => new Gauge({
    name: 'cairn_unmanaged_objects',
    help: 'Objects found in the world without cairn\'s identity (never touched).',
    registers: [registry],
  }));

  // The age is computed when scraped, so it grows between applies without anyone updating it.
  // NaN before the first apply: there is no age yet, and 0 would read as "just applied".
  // Kept per registry, so a second call on the same registry moves the same age gauge.
  let appliedAt = appliedAtByRegistry.get(registry);
  if (!appliedAt) {
    appliedAt = { epochMs: Number.NaN };
    appliedAtByRegistry.set(registry, appliedAt);
  }
  const applied = appliedAt;
  registeredMetric(registry, 'cairn_applied_revision_age_seconds', () => new Gauge({
    name: 'cairn_applied_revision_age_seconds',
    help: 'Seconds since the applied revision was applied in full (NaN before the first apply).',
    registers: [registry],
    collect() {
      this.set((Date.now() - applied.epochMs) / 1000);
    },
  }));
  const appliedTimestamp = registeredMetric(registry, 'cairn_applied_revision_timestamp_seconds', () => new Gauge({
    name: 'cairn_applied_revision_timestamp_seconds',
    help: 'Unix time at which the applied revision was applied in full (0 before the first apply).',
    registers: [registry],
  }));

  return {
    observeReconcile(seconds, outcome) {
      reconcileDuration.observe({ outcome }, seconds);
    },
    observeAction(kind, op, result, seconds) {
      actionDuration.observe({ kind, op, result }, seconds);
      actions.inc({ kind, op, result });
    },
    setQueueDepth(n) {
      queueDepth.set(n);
    },
    setDrifted(n) {
      drifted.set(n);
    },
    setUnmanaged(n) {
      unmanaged.set(n);
    },
    setAppliedAt(epochMs) {
      applied.epochMs = epochMs;
      appliedTimestamp.set(epochMs / 1000);
    },
  };
}
