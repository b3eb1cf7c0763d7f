import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BlobEntry } from './cache/desired-state-cache.js';
import { analyseFile } from './analyse-file.js';
import type { AnalyseRequest } from './analyse-worker.js';
import { readAhead } from './read-ahead.js';
import type { DesiredStateSource, SourceFile } from './source/source.js';
import type { SchemaRegistry } from './validate/schema-registry.js';

/** Below this many files a worker's start-up (a schema compile each) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 64;

function workerCount(files: number): number {
  const configured = process.env.CAIRN_WORKERS;
  if (configured !== undefined) return Math.max(0, Number(configured) || 0);
  // Measured on 2 cores (README): the main thread's share of the work (decoding the workers'
  // results, the cache writes) left no gain, so workers start from 4 cores, one core kept for it.
  const cores = os.availableParallelism();
  return files < MIN_FILES_FOR_WORKERS || cores < 4 ? 0 : Math.min(4, cores - 1);
}

/**
 * Analyses files (parse + schema) on worker threads, one per core, while this thread reads the
 * next files and takes in the results: a cold load of a large data center is mostly parsing, and
 * parsing is per file. Results arrive in any order; `onEntry` is called once per file.
 */
export async function analyseFiles(
  source: DesiredStateSource,
  files: readonly SourceFile[],
  registry: SchemaRegistry,
  onEntry: (file: SourceFile, entry: BlobEntry) => void,
): Promise<void> {
  const n = workerCount(files.length);
  if (n === 0) {
    for await (const [file, raw] of readAhead(source, files)) onEntry(file, analyseFile(raw, registry));
    return;
  }
  const workers = Array.from({ length: n }, startWorker);
  try {
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      let done = 0;
      const inFlight = new Map<Worker, number>();
      const reads = readAhead(source, files, 4 * n);
      let reading = false;
      let finished = false;
      let exhausted = false;
      // Keep every worker two files deep so that none waits for its next message. Re-scan after
      // each (awaited) read: a worker may have become free meanwhile.
      const feed = async () => {
        if (reading || finished) return;
        reading = true;
        try {
          for (;;) {
            const w = workers.find((x) => (inFlight.get(x) ?? 0) < 2);
            if (!w || exhausted) return;
            const next = await reads.next();
            if (next.done) {
              exhausted = true;
              return;
            }
            const [, raw] = next.value;
            // A copy of its own is transferred: the source may keep (and later re-read) its bytes.
            const bytes = raw.slice();
            const req: AnalyseRequest = { id: sent++, bytes };
            inFlight.set(w, (inFlight.get(w) ?? 0) + 1);
            w.postMessage(req, [bytes.buffer as ArrayBuffer]);
          }
        } finally {
          reading = false;
        }
      };
      for (const w of workers) {
        w.on('message', ({ id, entry }: { id: number; entry: BlobEntry }) => {
          inFlight.set(w, (inFlight.get(w) ?? 1) - 1);
          onEntry(files[id]!, entry);
          if (++done === files.length) {
            finished = true;
            resolve();
          } else {
            feed().catch(reject);
          }
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (!finished && code !== 0) reject(new Error(`analysis worker exited with code ${code}`));
        });
      }
      feed().catch(reject);
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
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
