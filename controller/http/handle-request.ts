import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { BadRequestTargetError } from './errors/bad-request-target-error.js';
import { HttpError } from './errors/http-error.js';
import { logRequestDone } from './request-logger.js';
import type { Router } from './router.js';
import type { ServerDeps } from './routes/route.js';
import { sendError } from './send-json.js';

/**
 * One request: route it, run the handler, turn whatever it throws into the JSON error, and count
 * and log it once it is answered (for an event stream: once it closes).
 */
export async function handleRequest(req: IncomingMessage, res: ServerResponse, router: Router, deps: ServerDeps, serverLog: Logger): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  const url = parseTarget(req.url);
  const log = serverLog.child({ method, path: url?.pathname ?? null });
  let route = url && router.has(url.pathname) ? url.pathname : 'unmatched';
  res.once('close', () => {
    deps.metrics.countRequest(route, method, res.statusCode);
    logRequestDone(log, route, res.statusCode, performance.now() - started);
  });
  try {
    if (!url) throw new BadRequestTargetError();
    const matched = router.match(method, url.pathname);
    route = matched.route;
    await matched.handler({ req, res, url, log, deps });
  } catch (error) {
    if (error instanceof HttpError) {
      answer(res, error);
      return;
    }
    log.error({ err: error }, 'handler failed');
    answer(res, new HttpError(500, 'INTERNAL', 'internal error; see the controller log'));
  }
}

/** The base is a placeholder: only the path and query are used, and Host is the client's to choose. */
function parseTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://status.invalid');
  } catch {
    return undefined;
  }
}

function answer(res: ServerResponse, error: HttpError): void {
  // A stream that already sent its head cannot change its status; cutting it short is all that is left.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendError(res, error);
}
