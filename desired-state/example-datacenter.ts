import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The example data center that `cairn init` writes: one advanced zone with simulated hosts, a
 * catalog, and a tenant with a network, VMs, a volume and rules. It is also the format's reference.
 */
export function exampleDatacenterDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'desired-state', 'example-datacenter');
    if (fs.existsSync(candidate)) return candidate;
    const here = path.join(dir, 'example-datacenter');
    if (fs.existsSync(here)) return here;
    dir = path.dirname(dir);
  }
  throw new Error('example-datacenter folder not found in the cairn package');
}

/** Relative paths of the example's files, sorted. */
export function exampleDatacenterFiles(): string[] {
  const root = exampleDatacenterDir();
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) out.push(p);
    }
  };
  walk('');
  return out.sort();
}
