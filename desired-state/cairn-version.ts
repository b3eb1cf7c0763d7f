import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | undefined;

/** cairn's own version, from its package.json (found from this module in source and in dist/). */
export function cairnVersion(): string {
  if (version) return version;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p)) {
      const pkg = JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cairn') return (version = pkg.version ?? '0.0.0');
    }
    dir = path.dirname(dir);
  }
  return (version = '0.0.0');
}
