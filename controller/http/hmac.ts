import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './constant-time-equal.js';

const PREFIX = 'sha256=';

/**
 * GitHub's webhook signature: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw body
 * keyed with the shared secret. True only for a well-formed header over exactly these bytes. The
 * comparison is on the bytes (not the hex text, whose case is free) and in constant time.
 */
export function verifyHubSignature(body: Buffer, secret: string, header: string | undefined): boolean {
  const expected = createHmac('sha256', secret).update(body).digest();
  const presented = decodeSignature(header);
  // Compared even when the header is malformed, so a bad header costs the same time as a wrong one.
  const equal = constantTimeEqual(presented ?? Buffer.alloc(0), expected);
  return presented !== undefined && equal;
}

function decodeSignature(header: string | undefined): Buffer | undefined {
  if (header === undefined || !header.startsWith(PREFIX)) return undefined;
  const hex = header.slice(PREFIX.length).trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex');
}
