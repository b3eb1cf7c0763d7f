import type { ServerResponse } from 'node:http';
import { once } from 'node:events';

/**
 * Writes a JSON object whose top-level arrays are serialised one element at a time, in chunks of
 * about CHUNK_CHARS, waiting for 'drain' whenever the socket buffer is full. 275,000 resources make
 * a ~200 MB document; JSON.stringify of the whole would hold that string (twice, as UTF-16 and as
 * the Buffer written) for every request, and a slow client would keep it all in memory. Here memory
 * per request is one chunk plus the socket's high-water mark, whatever the size of the list.
 */
const CHUNK_CHARS = 64 * 1024;

export async function streamJson(res: ServerResponse, status: number, body: Record<string, unknown>): Promise<void> {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  let chunk = '{';
  let firstField = true;
  const flush = async (): Promise<boolean> => {
    const ok = res.write(chunk);
    chunk = '';
    if (!ok && !res.destroyed) await drainOrClose(res);
    return !res.destroyed;
  };
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    chunk += (firstField ? '' : ',') + JSON.stringify(key) + ':';
    firstField = false;
    if (!Array.isArray(value)) {
      chunk += JSON.stringify(value);
      continue;
    }
    chunk += '[';
    for (let i = 0; i < value.length; i++) {
      // JSON.stringify turns undefined into undefined (not "null") inside our own concatenation.
      chunk += (i === 0 ? '' : ',') + (JSON.stringify(value[i]) ?? 'null');
      if (chunk.length >= CHUNK_CHARS && !(await flush())) return;
    }
    chunk += ']';
  }
  chunk += '}';
  res.end(chunk);
}

/** 'close' too: a client that goes away never drains, and the request must not hang forever. */
async function drainOrClose(res: ServerResponse): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([once(res, 'drain', { signal: ac.signal }), once(res, 'close', { signal: ac.signal })]);
  } finally {
    ac.abort();
  }
}
