/**
 * A template's image, fetched and checked before any pool gets it: `file://` URLs only so far
 * (http(s) with an allow-list is issue 5's next step), the `checksum` (sha256:<hex>) verified over
 * the whole file. A mismatch, a missing file or an unsupported URL is a PermanentError: retrying
 * will not change the bytes.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { PermanentError } from '../errors/permanent-error.js';

export interface VerifiedImage {
  path: string;
  bytes: number;
  sha256: string;
}

export async function verifiedImage(template: string, spec: Record<string, unknown>): Promise<VerifiedImage> {
  const url = spec.url;
  if (typeof url !== 'string' || !url.startsWith('file://')) {
    throw new PermanentError(`Template ${template}: url ${JSON.stringify(url)}: the libvirt provider fetches file:// URLs only so far`);
  }
  const path = decodeURIComponent(new URL(url).pathname);
  const checksum = typeof spec.checksum === 'string' ? spec.checksum : undefined;
  const m = checksum ? /^sha256:([0-9a-fA-F]{64})$/.exec(checksum) : null;
  if (!m) throw new PermanentError(`Template ${template}: a checksum "sha256:<64 hex digits>" is required to import ${url} (got ${JSON.stringify(checksum)})`);
  let bytes = 0;
  const hash = crypto.createHash('sha256');
  try {
    for await (const chunk of fs.createReadStream(path)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (error) {
    throw new PermanentError(`Template ${template}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== m[1]!.toLowerCase()) {
    throw new PermanentError(`Template ${template}: checksum mismatch for ${url}: the file's sha256 is ${sha256}, the template says ${m[1]!.toLowerCase()}`);
  }
  return { path, bytes, sha256 };
}

/** The libvirt volume format of a template's `format`. */
export function imageFormat(spec: Record<string, unknown>): 'qcow2' | 'raw' {
  const f = String(spec.format ?? 'QCOW2').toUpperCase();
  if (f === 'QCOW2') return 'qcow2';
  if (f === 'RAW') return 'raw';
  throw new PermanentError(`format ${f}: the libvirt provider imports QCOW2 and RAW templates`);
}
