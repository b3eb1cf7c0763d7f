import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createServerLogger } from '../../controller/http/request-logger.js';

describe('the status server\'s logger', () => {
  it('redacts credentials and bodies even when a log call passes them by mistake', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const log = createServerLogger(pino(sink));
    log.info({
      req: { headers: { authorization: 'Bearer tok-1', cookie: 'c=tok-2', 'x-hub-signature-256': 'sha256=tok-3', accept: '*/*' }, body: 'tok-4' },
      token: 'tok-5',
      secret: 'tok-6',
      body: 'tok-7',
    }, 'oops');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(lines[0]).not.toMatch(/tok-\d/);
    expect(line.req.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]', 'x-hub-signature-256': '[redacted]', accept: '*/*' });
    expect(line.component).toBe('status-api');
  });
});
