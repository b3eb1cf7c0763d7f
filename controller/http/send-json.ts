import type { ServerResponse } from 'node:http';
import { HttpError } from './errors/http-error.js';

/** A small answer, built in one piece (status, health, errors). Large lists go through json-stream. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** Every error leaves the server in one shape: `{error: {code, message}}`. */
export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, { ...error.headers });
}
