import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ControllerView } from '../../run/controller-view.js';
import type { HttpMetrics } from '../../metrics/http-metrics.js';
import type { EventStream } from '../sse.js';

export interface ServerTuning {
  /** Largest webhook body accepted (413 above). */
  maxBodyBytes: number;
  sseHeartbeatMs: number;
  sseMaxBufferedBytes: number;
}

/** What every handler may use; built once per server. */
export interface ServerDeps {
  view: ControllerView;
  registry: Registry;
  token: string | undefined;
  webhookSecret: string | undefined;
  metrics: HttpMetrics;
  tuning: ServerTuning;
  /** Open event streams, ended when the server closes (they would otherwise hold it open). */
  streams: Set<EventStream>;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The request's child logger: carries method and path, never headers or bodies. */
  log: Logger;
  deps: ServerDeps;
}

export type Handler = (ctx: RouteContext) => void | Promise<void>;

export interface Route {
  path: string;
  methods: Readonly<Partial<Record<'GET' | 'POST', Handler>>>;
}
