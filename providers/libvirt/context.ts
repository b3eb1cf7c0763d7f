/** What every kind's handler of the libvirt provider works with. */
import { PermanentError } from '../errors/permanent-error.js';
import type { ObservedResource } from '../provider.js';
import type { Action, ActionResult } from '../../reconcilers/action.js';
import type { Catalog } from './catalog.js';
import type { KeyedLock } from './keyed-lock.js';
import type { Ledger } from './ledger.js';
import type { HostSnapshot } from './world-snapshot.js';
import type { Virsh } from './virsh.js';

export interface LibvirtContext {
  readonly ledger: Ledger;
  readonly catalog: Catalog;
  readonly domainType: 'kvm' | 'qemu';
  readonly shutdownTimeoutMs: number;
  /** Serialises what must not interleave: an image import per pool, address allocation per network. */
  readonly lock: KeyedLock;
  /** The revision being applied, written into domain and network metadata when known. */
  revision(): string | undefined;
  /** How to run nft on a host (nft/nft-command.ts). */
  nftCommand(host: string): string[];
  /** The connection of a Host cairn manages (its url). */
  connection(host: string): Virsh;
  /** Names of the Hosts cairn manages, in name order. */
  hostNames(): string[];
  /** Every managed host's objects, read now. */
  snapshot(signal: AbortSignal): Promise<HostSnapshot[]>;
}

export interface KindHandler {
  observe(world: readonly HostSnapshot[], ctx: LibvirtContext): ObservedResource[];
  create(action: Action, ctx: LibvirtContext, signal: AbortSignal): Promise<ActionResult>;
  update(action: Action, ctx: LibvirtContext, signal: AbortSignal): Promise<ActionResult>;
  delete(action: Action, ctx: LibvirtContext, signal: AbortSignal): Promise<ActionResult>;
  orphan(action: Action, ctx: LibvirtContext, signal: AbortSignal): Promise<ActionResult>;
  start?(action: Action, ctx: LibvirtContext, signal: AbortSignal): Promise<ActionResult>;
  stop?(action: Action, ctx: LibvirtContext, signal: AbortSignal): Promise<ActionResult>;
}

export function specOf(action: Action): Record<string, unknown> {
  if (!action.spec) throw new PermanentError(`${action.op} ${action.kind} ${action.name}: the action carries no spec`);
  return action.spec;
}

export const GiB = 1024 ** 3;
export const toGiB = (bytes: number) => Math.round((bytes / GiB) * 100) / 100;
