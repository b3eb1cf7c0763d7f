import { CairnError } from '../../../desired-state/errors/cairn-error.js';

/**
 * A virsh call that failed: its arguments, exit code and stderr. Never escapes the provider:
 * classify-virsh-error.ts turns it into a TransientError, PermanentError or ConflictError.
 */
export class VirshError extends CairnError {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly timedOut = false,
    /** What it printed before failing (batches: the sections of the commands that worked). */
    readonly stdout?: string,
  ) {
    super('LIBVIRT_VIRSH_FAILED', `virsh ${args.filter((a) => !a.startsWith('<')).join(' ')}: ${stderr.trim() || (timedOut ? 'timed out' : `exit ${exitCode}`)}`);
  }
}
