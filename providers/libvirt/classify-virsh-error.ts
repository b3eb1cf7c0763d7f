/**
 * libvirt's failures, sorted into the three kinds the executor knows (providers/provider.ts), by
 * the messages virsh prints (libvirt's virErrorNumber is not exposed by virsh; its message texts
 * are stable across releases and are what operators grep for too).
 */
import { ConflictError } from '../errors/conflict-error.js';
import { PermanentError } from '../errors/permanent-error.js';
import type { ProviderError } from '../errors/provider-error.js';
import { TransientError } from '../errors/transient-error.js';
import { VirshError } from './errors/virsh-error.js';

/** The object named does not exist: callers turn this into success (delete) or a ConflictError (update). */
const NOT_FOUND = [
  /failed to get (domain|network|pool|vol|nwfilter)/i,
  /(Domain|Network|Storage pool|Storage volume|Network filter) not found/i,
  /no (domain|network|storage pool|storage vol|nwfilter) with matching/i,
];

/** Worth retrying: the daemon or the connection is away, or the object is busy. */
const TRANSIENT = [
  /failed to connect to the hypervisor/i,
  /Failed to connect socket/i,
  /Connection refused/i,
  /Connection reset/i,
  /End of file while reading data/i,
  /Cannot recv data/i,
  /Cannot write data/i,
  /Broken pipe/i,
  /Timed out/i,
  /timeout/i,
  /cannot acquire state change lock/i,
  /Resource temporarily unavailable/i,
  /is busy/i,
];

/** The world is not what the action assumed: re-observe and re-plan. */
const CONFLICT = [/already exists/i, /already in use/i, /Requested operation is not valid/i, /is already defined with uuid/i];

export function isNotFound(error: unknown): boolean {
  return error instanceof VirshError && NOT_FOUND.some((r) => r.test(error.stderr));
}

/** What a failed virsh call means for the executor; anything unrecognised is permanent (do not hammer). */
export function classifyVirshError(error: VirshError): ProviderError {
  const text = error.stderr;
  if (error.timedOut || TRANSIENT.some((r) => r.test(text))) return new TransientError(error.message, { cause: error });
  if (NOT_FOUND.some((r) => r.test(text))) return new ConflictError(`${error.message} (gone from the world)`, { cause: error });
  if (CONFLICT.some((r) => r.test(text))) return new ConflictError(error.message, { cause: error });
  return new PermanentError(error.message, { cause: error });
}
