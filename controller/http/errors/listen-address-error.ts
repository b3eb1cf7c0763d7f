import { CairnError } from '../../../desired-state/errors/cairn-error.js';

/** `listen` is not `host:port` (IPv6 in brackets) with a port from 0 to 65535. */
export class ListenAddressError extends CairnError {
  constructor(listen: string, why: string) {
    super('HTTP_LISTEN_ADDRESS', `invalid listen address "${listen}": ${why}`);
  }
}
