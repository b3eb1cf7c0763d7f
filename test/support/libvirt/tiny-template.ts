/** A template image for tests: an empty 1 MiB qcow2 made with qemu-img, and its real sha256. */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SYSTEM_PATH } from './system-deps.js';

export interface TinyTemplate {
  path: string;
  url: string;
  checksum: string;
}

export function makeTinyTemplate(dir: string, name = 'tiny.qcow2', size = '1M'): TinyTemplate {
  const file = path.join(dir, name);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, size], { env: { ...process.env, PATH: SYSTEM_PATH } });
  const sha = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  return { path: file, url: `file://${file}`, checksum: `sha256:${sha}` };
}
