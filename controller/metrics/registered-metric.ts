import type { Metric, Registry } from 'prom-client';

/**
 * The metric of that name already in the registry, or a new one. prom-client throws when a name is
 * registered twice, and a registry outlives a status server that is stopped and started again.
 */
export function registeredMetric<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}
