import type { Logger } from 'pino';

/**
 * The server's logger. Request lines carry method, path, route, status and duration, never headers,
 * query strings or bodies; the redact paths are the second line of defence, for a header object or
 * a credential that someone later adds to a log call by mistake.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-hub-signature-256"]',
  'authorization',
  'token',
  'secret',
  'webhookSecret',
  'body',
  'req.body',
];

export function createServerLogger(logger: Logger): Logger {
  return logger.child({ component: 'status-api' }, { redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}

/** Probes and scrapes arrive every few seconds; at info they would drown everything else. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

export function logRequestDone(log: Logger, route: string, status: number, ms: number): void {
  const line = { route, status, ms: Math.round(ms * 10) / 10 };
  if (status >= 500) log.error(line, 'request failed');
  else if (QUIET_ROUTES.has(route)) log.debug(line, 'request');
  else log.info(line, 'request');
}
