import { Counter, Gauge, type Registry } from 'prom-client';
import { registeredMetric } from './registered-metric.js';

export interface HttpMetrics {
  /** `route` is the route's path, or `unmatched`: never the raw URL, whose values are unbounded. */
  countRequest(route: string, method: string, status: number): void;
  sseClientOpened(): void;
  sseClientClosed(): void;
  /** An event not written to a client whose buffer was full. */
  sseEventDropped(): void;
}

export function createHttpMetrics(registry: Registry): HttpMetrics {
  const requests = registeredMetric(registry, 'cairn_http_requests_total', () => new Counter({
    name: 'cairn_http_requests_total',
    help: 'HTTP requests answered by the status server, by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  }));
  const sseClients = registeredMetric(registry, 'cairn_http_sse_clients', () => new Gauge({
    name: 'cairn_http_sse_clients',
    help: 'Clients connected to the event stream (GET /api/v1/events).',
    registers: [registry],
  }));
  const sseDropped = registeredMetric(registry, 'cairn_http_sse_dropped_events_total', () => new Counter({
    name: 'cairn_http_sse_dropped_events_total',
    help: 'Events not sent to a stream client because it read too slowly and its buffer was full.',
    registers: [registry],
  }));
  return {
    countRequest(route, method, status) {
      requests.inc({ route, method, status: String(status) });
    },
    sseClientOpened() {
      sseClients.inc();
    },
    sseClientClosed() {
      sseClients.dec();
    },
    sseEventDropped() {
      sseDropped.inc();
    },
  };
}
