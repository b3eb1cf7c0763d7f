import { spawn } from 'node:child_process';

/**
 * Runs one benchmark phase in a fresh node process (so that its peak RSS is its own) and resolves
 * with the JSON object on the last line of its stdout. stderr passes through for progress.
 */
export function runPhaseProcess<T>(nodeArgs: string[], cwd: string, label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`phase ${label} failed (${signal ?? `exit ${code}`})`));
        return;
      }
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`phase ${label} printed no JSON result: ${last.slice(0, 200)}`));
      }
    });
  });
}
