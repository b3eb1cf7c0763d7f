import { CairnError } from '../../../desired-state/errors/cairn-error.js';

/**
 * The status API shows the whole data center and accepts resync requests: it binds a loopback
 * address unless the operator says otherwise on purpose (allowNonLoopback).
 */
export class NonLoopbackListenError extends CairnError {
  constructor(host: string) {
    super('HTTP_LISTEN_NOT_LOOPBACK', `refusing to listen on ${host}: not a loopback address (allow it explicitly to expose the API)`);
  }
}
