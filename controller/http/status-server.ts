import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createHttpMetrics } from '../metrics/http-metrics.js';
import type { ControllerView } from '../run/controller-view.js';
import { NonLoopbackListenError } from './errors/non-loopback-listen-error.js';
import { handleRequest } from './handle-request.js';
import { isLoopbackHost, parseListenAddress, urlHost } from './listen-address.js';
import { createServerLogger } from './request-logger.js';
import { Router } from './router.js';
import { driftRoute } from './routes/drift.js';
import { eventsRoute } from './routes/events.js';
import { gitHookRoute } from './routes/git-hook.js';
import { healthzRoute, readyzRoute } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';
import { reconcileRoute } from './routes/reconcile.js';
import { resourcesRoute } from './routes/resources.js';
import type { ServerDeps, ServerTuning } from './routes/route.js';
import { statusRoute } from './routes/status.js';

export interface StatusServerOptions {
  view: ControllerView;
  registry: Registry;
  /** `host:port` (`[::1]:port` for IPv6); port 0 picks a free port. */
  listen: string;
  /** Bearer token for POST /api/v1/reconcile; without it that endpoint answers 503. */
  token?: string;
  /** HMAC secret for POST /hooks/git; without it that endpoint answers 503. */
  webhookSecret?: string;
  logger: Logger;
  /** Bind a non-loopback address (the API then shows the data center to that network). */
  allowNonLoopback?: boolean;
  /** Limits and timers; the defaults suit production, tests shorten them. */
  tuning?: Partial<ServerTuning>;
}

export interface StatusServer {
  url: string;
  port: number;
  /** Stops accepting, ends event streams and open connections, resolves when the socket is closed. */
  close(): Promise<void>;
}

export const DEFAULT_TUNING: ServerTuning = {
  maxBodyBytes: 1024 * 1024,
  sseHeartbeatMs: 15_000,
  sseMaxBufferedBytes: 1024 * 1024,
};

const CLOSE_GRACE_MS = 2_000;

const ROUTES = [healthzRoute, readyzRoute, statusRoute, resourcesRoute, driftRoute, eventsRoute, reconcileRoute, gitHookRoute, metricsRoute];

export async function startStatusServer(opts: StatusServerOptions): Promise<StatusServer> {
  const { host, port } = parseListenAddress(opts.listen);
  if (!opts.allowNonLoopback && !isLoopbackHost(host)) throw new NonLoopbackListenError(host);
  const log = createServerLogger(opts.logger);
  const deps: ServerDeps = {
    view: opts.view,
    registry: opts.registry,
    token: opts.token || undefined,
    webhookSecret: opts.webhookSecret || undefined,
    metrics: createHttpMetrics(opts.registry),
    tuning: { ...DEFAULT_TUNING, ...opts.tuning },
    streams: new Set(),
  };
  const router = new Router(ROUTES);
  const server = createServer((req, res) => {
    // handleRequest answers every error itself; this catch is for a bug in that, which must not
    // become an unhandled rejection (the process's end) for the whole controller.
    handleRequest(req, res, router, deps, log).catch((err: unknown) => {
      log.error({ err }, 'request handling failed');
      res.destroy();
    });
  });
  // A client that trickles its headers or body must not hold a connection forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'status server error'));
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${bound}`;
  log.info({ url }, 'status API listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port: bound,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const stream of [...deps.streams]) stream.end();
        // Answers in flight (a large list to a slow client) get a grace period, then are cut.
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close((err) => {
          clearTimeout(cut);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
