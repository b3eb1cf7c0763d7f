import { CairnError } from '../../../desired-state/errors/cairn-error.js';

/** An nft call that failed; the provider reports it as a PermanentError (or Transient for ssh). */
export class NftError extends CairnError {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super('LIBVIRT_NFT_FAILED', `nft ${args.join(' ')}: ${stderr.trim() || `exit ${exitCode}`}`);
  }
}
