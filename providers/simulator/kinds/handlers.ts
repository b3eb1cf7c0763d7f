import { KINDS, type Kind } from '../../../desired-state/model.js';
import { hostHandler } from './host.js';
import type { KindHandler } from './kind-handler.js';
import { networkHandler } from './network.js';
import { plainHandler } from './plain.js';
import { primaryStorageHandler } from './primary-storage.js';
import { publicIpHandler } from './public-ip.js';
import { snapshotHandler } from './snapshot.js';
import { virtualMachineHandler } from './virtual-machine.js';
import { volumeHandler } from './volume.js';

const special: Partial<Record<Kind, KindHandler>> = {
  Host: hostHandler,
  PrimaryStorage: primaryStorageHandler,
  Network: networkHandler,
  PublicIp: publicIpHandler,
  VirtualMachine: virtualMachineHandler,
  Volume: volumeHandler,
  Snapshot: snapshotHandler,
};

/** The handler of every kind: all 25 are served, the ones without behaviour of their own by plainHandler. */
export const handlers: Readonly<Record<Kind, KindHandler>> = Object.fromEntries(KINDS.map((k) => [k, special[k] ?? plainHandler(k)])) as Record<Kind, KindHandler>;
