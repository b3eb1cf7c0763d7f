import os from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { BlobEntry } from './cache/desired-state-cache.js';
import { packBlob, unpackBlob } from './cache/blob-codec.js';
import { analyseFile } from './analyse-file.js';
import type { AnalyseReply, AnalyseRequest } from './analyse-worker.js';
import { readAhead } from './read-ahead.js';
import type { DesiredStateSource, SourceFile } from './source/source.js';
import type { SchemaRegistry } from './validate/schema-registry.js';

/** Below this many files a worker's start-up (a schema compile each) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 64;
/** Files a worker holds at once, so that it never waits for its next message. */
const WORKER_DEPTH = 32;

function workerCount(files: number): number {
  const configured = process.env.CAIRN_WORKERS;
  if (configured !== undefined) return Math.max(0, Number(configured) || 0);
  // The main thread analyses files too (below), so every core but one gets a worker: on 2 cores,
  // one worker and the main thread. Measured in the README.
  const cores = os.availableParallelism();
  return files < MIN_FILES_FOR_WORKERS ? 0 : Math.min(4, cores - 1);
}

/** What one file turned into; `packed` (its cache encoding) when asked for. */
export type OnEntry = (file: SourceFile, entry: BlobEntry, packed: Uint8Array | undefined) => void;

/**
 * Analyses files (parse + schema) on worker threads and on this thread at once: a cold load of a
 * large data center is mostly parsing, and parsing is per file. Workers are kept fed first; in
 * between, this thread analyses the next file itself. A worker sends back its result encoded for
 * the cache (blob-codec.ts), which this thread stores as is and decodes, far cheaper for it than
 * encoding. Results arrive in any order; `onEntry` is called once per file.
 */
export async function analyseFiles(
  source: DesiredStateSource,
  files: readonly SourceFile[],
  registry: SchemaRegistry,
  onEntry: OnEntry,
  opts: { pack: boolean },
): Promise<void> {
  const here = (raw: Uint8Array): [BlobEntry, Uint8Array | undefined] => {
    const entry = analyseFile(raw, registry);
    return [entry, opts.pack ? packBlob(entry) : undefined];
  };
  const n = workerCount(files.length);
  if (n === 0) {
    for await (const [file, raw] of readAhead(source, files)) onEntry(file, ...here(raw));
    return;
  }
  const workers = Array.from({ length: n }, startWorker);
  let failure: unknown;
  try {
    let next = 0;
    let done = 0;
    const inFlight = new Map<Worker, number>();
    let allDone!: () => void;
    const finished = new Promise<void>((resolve) => (allDone = resolve));
    const fail = (err: unknown) => {
      failure ??= err;
      allDone();
    };
    const complete = () => {
      if (++done === files.length) allDone();
    };
    const feed = async (w: Worker) => {
      while (failure === undefined && next < files.length && (inFlight.get(w) ?? 0) < WORKER_DEPTH) {
        const id = next++;
        inFlight.set(w, (inFlight.get(w) ?? 0) + 1);
        // A copy of its own, exactly its size, is transferred: the source may keep its bytes, and a
        // Buffer's slice() is a view into a larger (possibly pooled) ArrayBuffer, not a copy.
        const bytes = new Uint8Array(await source.read(files[id]!));
        const req: AnalyseRequest = { id, bytes };
        w.postMessage(req, [bytes.buffer as ArrayBuffer]);
      }
    };
    for (const w of workers) {
      w.on('message', ({ id, packed }: AnalyseReply) => {
        inFlight.set(w, (inFlight.get(w) ?? 1) - 1);
        try {
          onEntry(files[id]!, unpackBlob(packed), packed);
        } catch (err) {
          fail(err);
          return;
        }
        complete();
        feed(w).catch(fail);
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (done < files.length && code !== 0) fail(new Error(`analysis worker exited with code ${code}`));
      });
      await feed(w);
    }
    // This thread's share: whatever no worker has taken yet, one file per turn of the event loop
    // so that the workers' results (and their next files) are handled in between.
    while (failure === undefined && next < files.length) {
      const file = files[next++]!;
      onEntry(file, ...here(await source.read(file)));
      complete();
      await nextTurn();
    }
    await finished;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failure !== undefined) throw failure;
}

/**
 * The worker runs the compiled JavaScript next to this file; when cairn itself runs from TypeScript
 * source (tests, benchmarks), the worker registers tsx first, as `--import` does not reach workers.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./analyse-worker.js', import.meta.url));
  const entry = new URL('./analyse-worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}
