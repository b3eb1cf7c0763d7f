import { Writable } from 'node:stream';
import pino from 'pino';

export type LogFormat = 'json' | 'text';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/**
 * pino for the controller. `json` writes pino's lines as they are (for a log shipper); `text` turns
 * each into one readable line, `HH:MM:SS.mmm LEVEL message key=value ...`, without pulling in a
 * pretty-printer dependency for what is a dozen lines of formatting.
 */
export function createControllerLogger(format: LogFormat, out: NodeJS.WritableStream, level = process.env.CAIRN_LOG_LEVEL ?? 'info'): pino.Logger {
  const base = { base: { pid: process.pid }, level };
  if (format === 'json') return pino(base, out as pino.DestinationStream);
  return pino(base, new TextLines(out) as unknown as pino.DestinationStream);
}

class TextLines extends Writable {
  constructor(private readonly out: NodeJS.WritableStream) {
    super();
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      try {
        this.out.write(`${formatLine(JSON.parse(line) as Record<string, unknown>)}\n`);
      } catch {
        this.out.write(`${line}\n`);
      }
    }
    done();
  }
}

function formatLine(rec: Record<string, unknown>): string {
  const time = new Date(typeof rec.time === 'number' ? rec.time : Date.now()).toISOString().slice(11, 23);
  const level = (LEVELS[rec.level as number] ?? String(rec.level)).toUpperCase().padEnd(5);
  const fields = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
  return [time, level, String(rec.msg ?? ''), ...fields].join(' ');
}
