/**
 * Benchmark runner: `npm run bench -- NAME [options]` runs `test/bench/NAME.bench.ts`.
 *
 * A benchmark module exports `description`, optionally `usage`, and `run(args)`, which returns
 * its figures. Progress goes to stderr; the runner prints the figures as ONE JSON line, the last
 * line of stdout, so that `npm run bench -- NAME | tail -1` is machine-readable.
 *
 * Exit codes: 0 done, 1 the benchmark failed, 2 no or unknown benchmark name (the list is printed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchModule {
  description: string;
  usage?: string;
  run(args: string[]): Promise<Record<string, unknown>>;
}

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const SUFFIX = '.bench.ts';

function benchNames(): string[] {
  return fs
    .readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .sort();
}

async function loadBench(name: string): Promise<BenchModule> {
  return (await import(pathToFileURL(path.join(BENCH_DIR, `${name}${SUFFIX}`)).href)) as BenchModule;
}

async function printList(): Promise<void> {
  process.stderr.write('usage: npm run bench -- NAME [options]   (NAME --help for its options)\nbenchmarks:\n');
  for (const name of benchNames()) {
    let desc = '';
    try {
      desc = (await loadBench(name)).description;
    } catch (err) {
      desc = `(does not load: ${err instanceof Error ? err.message : String(err)})`;
    }
    process.stderr.write(`  ${name.padEnd(16)} ${desc}\n`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name.startsWith('-')) {
    await printList();
    return 2;
  }
  // Names are file stems in this folder, nothing else: no paths.
  if (!/^[A-Za-z0-9_-]+$/.test(name) || !benchNames().includes(name)) {
    process.stderr.write(`unknown benchmark: ${name}\n`);
    await printList();
    return 2;
  }
  const bench = await loadBench(name);
  if (args.includes('--help') || args.includes('-h')) {
    process.stderr.write(`${bench.usage ?? `npm run bench -- ${name}`}\n`);
    return 0;
  }
  const t0 = performance.now();
  const result = await bench.run(args);
  process.stderr.write(`[run] ${name} finished in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
