/**
 * `cairn run` as a real child process for the end-to-end tests: started on a random loopback port,
 * found through the "listening on URL" line it prints, queried through its HTTP API, and stopped by
 * PID (SIGTERM, or SIGKILL for the crash tests). `stopAll()` in afterEach kills what a failed test left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { cairn, projectRoot, tempDir, userEnv } from '../support/cli.js';

const mainTs = path.join(projectRoot, 'controller/cli/main.ts');
const tsxLoader = path.join(projectRoot, 'node_modules/tsx/dist/esm/index.mjs');

export interface RunningController {
  child: ChildProcess;
  url: string;
  /** Everything written on stderr so far (the log). */
  log(): string;
  /** Resolves with the exit code (128 + n for a signal) once the process is gone. */
  exited: Promise<number>;
}

const running = new Set<ChildProcess>();

export async function startController(dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunningController> {
  const child = spawn(process.execPath, ['--import', tsxLoader, mainTs, 'run', '--listen', '127.0.0.1:0', ...args], {
    cwd: dir,
    env: userEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 0));
    });
  });
  const url = await waitFor(async () => /listening on (http:\/\/\S+)/.exec(stdout)?.[1], 30_000, () => `no "listening on" line\nstdout: ${stdout}\nstderr: ${stderr}`);
  return { child, url, log: () => stderr, exited };
}

/** SIGKILLs every controller a test started and did not stop. */
export async function stopAll(): Promise<void> {
  for (const child of [...running]) {
    if (child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  running.clear();
}

/** Polls `probe` until it returns something other than undefined/false. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, describe: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms ${describe()}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface Status {
  appliedRevision: string | null;
  desiredRevision: string | null;
  rejectedRevision: { revision: string; errors: { file: string; line: number; column: number; rule: string }[] } | null;
  lastSyncAt: string | null;
  summary: { ready: number; progressing: number; failed: number; drifted: number; unmanaged: number };
}

export interface Item {
  kind: string;
  name: string;
  account: string | null;
  status: string;
  desired: Record<string, unknown>;
  observed: Record<string, unknown> | null;
}

export interface Drift {
  items: { kind: string; name: string; account: string | null; policy: string; fields: { path: string; desired: unknown; observed: unknown }[]; firstSeenAt: string; lastSeenAt: string; correctedAt: string | null }[];
  unmanaged: { kind: string; name: string }[];
}

export const status = (c: RunningController) => getJson<Status>(`${c.url}/api/v1/status`);
export const resources = async (c: RunningController, query = '') => (await getJson<{ items: Item[] }>(`${c.url}/api/v1/resources${query}`)).items;
export const drift = (c: RunningController) => getJson<Drift>(`${c.url}/api/v1/drift`);

/** Waits until the controller has applied `revision` and every resource is ready. */
export function converged(c: RunningController, revision: string, timeoutMs = 30_000): Promise<Status> {
  return waitFor(async () => {
    const s = await status(c);
    return s.appliedRevision === revision && s.summary.progressing === 0 && s.summary.failed === 0 && s.summary.drifted === 0 && s;
  }, timeoutMs, () => `for ${revision} to be applied\n${c.log().slice(-3000)}`);
}

/** `cairn init` of the example data center in a new temporary folder. */
export async function exampleRepo(): Promise<string> {
  const dir = path.join(tempDir('cairn-run-'), 'dc');
  const init = await cairn(['init', dir], { cwd: path.dirname(dir) });
  if (init.code !== 0) throw new Error(`cairn init failed: ${init.stderr}`);
  return dir;
}

/** Objects of the simulated world, as `cairn sim show --json` lists them. */
export async function worldObjects(dir: string): Promise<{ kind: string; name: string; owner?: string; managed: boolean; status: Record<string, unknown> }[]> {
  const r = await cairn(['sim', 'show', '--json'], { cwd: dir });
  if (r.code !== 0) throw new Error(`cairn sim show failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { objects: { kind: string; name: string; owner?: string; managed: boolean; status: Record<string, unknown> }[] }).objects;
}

/** A VM the example data center does not have, appended to tenants/acme/vms.yaml by tests. */
export const WEB_3 = `---
apiVersion: cairn.dev/v1
kind: VirtualMachine
metadata: { name: web-3, account: acme }
spec: { zone: zone1, serviceOffering: small, template: debian-12, networks: [ { network: web-net } ], state: Running }
`;
