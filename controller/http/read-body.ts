import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError } from './errors/payload-too-large-error.js';

/**
 * The raw request body, refused with 413 as soon as it passes `limitBytes`: first on the declared
 * Content-Length without reading anything, then while reading (chunked bodies declare none).
 * Listeners rather than `for await`: leaving an async iterator destroys the request, and with it
 * the socket the 413 has to be written to.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(new PayloadTooLargeError(limitBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        // Stop reading; the 413 carries Connection: close, so the rest is never read.
        req.pause();
        reject(new PayloadTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
