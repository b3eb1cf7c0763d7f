/**
 * The libvirt provider: KVM/QEMU domains, dir pools, qcow2 volumes and networks on the hosts cairn
 * manages, through virsh (virsh.ts says why). The kinds and how each maps to libvirt are in kinds/;
 * what libvirt cannot hold is in the ledger (ledger.ts). The idempotency contract of
 * providers/provider.ts holds for every kind: create finds an object with the same identity and
 * adopts it; delete of a missing object succeeds; start/stop/update of an object already so change
 * nothing. Only TransientError, PermanentError and ConflictError leave this class.
 */
import fs from 'node:fs';
import type { Kind } from '../../desired-state/model.js';
import type { Action, ActionResult } from '../../reconcilers/action.js';
import { ConflictError } from '../errors/conflict-error.js';
import { PermanentError } from '../errors/permanent-error.js';
import { ProviderError } from '../errors/provider-error.js';
import { TransientError } from '../errors/transient-error.js';
import type { ObserveScope, ObservedResource, Provider } from '../provider.js';
import type { Catalog } from './catalog.js';
import { classifyVirshError } from './classify-virsh-error.js';
import type { KindHandler, LibvirtContext } from './context.js';
import { NftError } from './errors/nft-error.js';
import { VirshError } from './errors/virsh-error.js';
import { hostHandler } from './kinds/host.js';
import { networkHandler } from './kinds/network.js';
import { primaryStorageHandler } from './kinds/primary-storage.js';
import { securityGroupHandler } from './kinds/security-group.js';
import { TRAFFIC_KINDS, egressRuleHandler, firewallRuleHandler, loadBalancerHandler, portForwardHandler, publicIpHandler, readTable } from './kinds/traffic.js';
import { templateHandler } from './kinds/template.js';
import { virtualMachineHandler } from './kinds/virtual-machine.js';
import { volumeHandler } from './kinds/volume.js';
import { KeyedLock } from './keyed-lock.js';
import { Ledger } from './ledger.js';
import { nftCommandFor } from './nft/nft-command.js';
import { Virsh } from './virsh.js';
import { readHost, type HostSnapshot } from './world-snapshot.js';
import { XmlSyntaxError } from './xml/xml-element.js';

export interface LibvirtProviderOptions {
  /** cairn's state folder: the ledger lives in `<stateDir>/libvirt/`. */
  stateDir: string;
  catalog: Catalog;
  /** Default: kvm where /dev/kvm exists, else qemu (TCG). */
  domainType?: 'kvm' | 'qemu';
  /** How long `stop` waits for the guest to shut down before destroying it. Default 60 s. */
  shutdownTimeoutMs?: number;
  /** One virsh call longer than this is killed and reported as a TransientError. Default 120 s. */
  callTimeoutMs?: number;
  revision?: () => string | undefined;
  /** How to run nft on a host, from its url; default nft/nft-command.ts (local, ssh, CAIRN_NFT_NETNS). */
  nftCommand?: (url: string) => string[];
}

const HANDLERS: Partial<Record<Kind, KindHandler>> = {
  Host: hostHandler,
  PrimaryStorage: primaryStorageHandler,
  Template: templateHandler,
  Network: networkHandler,
  VirtualMachine: virtualMachineHandler,
  Volume: volumeHandler,
  SecurityGroup: securityGroupHandler,
  PublicIp: publicIpHandler,
  FirewallRule: firewallRuleHandler,
  PortForward: portForwardHandler,
  LoadBalancer: loadBalancerHandler,
  EgressRule: egressRuleHandler,
};
/** In the order observe reports them: parents first, as a person reads. */
export const LIBVIRT_KINDS: readonly Kind[] = ['Host', 'PrimaryStorage', 'Template', 'Network', 'SecurityGroup', 'VirtualMachine', 'Volume', 'PublicIp', 'FirewallRule', 'PortForward', 'LoadBalancer', 'EgressRule'];

export class LibvirtProvider implements Provider {
  readonly name = 'libvirt';
  private readonly ctx: LibvirtContext;
  private readonly connections = new Map<string, Virsh>();

  constructor(private readonly opts: LibvirtProviderOptions) {
    const ledger = new Ledger(opts.stateDir);
    const hostNames = () =>
      ledger
        .all('Host')
        .filter((e) => !e.orphaned)
        .map((e) => e.name)
        .sort();
    this.ctx = {
      ledger,
      catalog: opts.catalog,
      domainType: opts.domainType ?? (fs.existsSync('/dev/kvm') ? 'kvm' : 'qemu'),
      shutdownTimeoutMs: opts.shutdownTimeoutMs ?? 60_000,
      lock: new KeyedLock(),
      revision: opts.revision ?? (() => undefined),
      connection: (host) => this.connection(host),
      nftCommand: (host) => (opts.nftCommand ?? nftCommandFor)(this.connection(host).uri),
      hostNames,
      snapshot: (signal) =>
        Promise.all(
          hostNames().map(async (h) => {
            const seen = await readHost(h, this.connection(h), signal);
            // nft is read only once cairn has public IPs or rules: hosts without them need no nft.
            if (TRAFFIC_KINDS.some((k) => ledger.all(k).length > 0)) seen.nft = await readTable(this.ctx.nftCommand(h), signal);
            return seen;
          }),
        ),
    };
  }

  /** The hosts cairn manages through this provider (names), for the router. */
  hostNames(): string[] {
    return this.ctx.hostNames();
  }

  kinds(): readonly Kind[] {
    return LIBVIRT_KINDS;
  }

  async observe(scope: ObserveScope, signal: AbortSignal): Promise<ObservedResource[]> {
    return guard('observe', signal, async () => {
      const kinds = LIBVIRT_KINDS.filter((k) => !scope.kinds || scope.kinds.includes(k));
      if (kinds.length === 0) return [];
      const world: HostSnapshot[] = await this.ctx.snapshot(signal);
      return kinds.flatMap((k) => HANDLERS[k]!.observe(world, this.ctx));
    });
  }

  async apply(action: Action, signal: AbortSignal): Promise<ActionResult> {
    return guard(`${action.op} ${action.kind} ${action.name}`, signal, async () => {
      const handler = HANDLERS[action.kind];
      if (!handler) throw new PermanentError(`the libvirt provider does not manage ${action.kind} (it manages ${LIBVIRT_KINDS.join(', ')})`);
      switch (action.op) {
        case 'create':
          return handler.create(action, this.ctx, signal);
        case 'update':
          return handler.update(action, this.ctx, signal);
        case 'delete':
          return handler.delete(action, this.ctx, signal);
        case 'orphan':
          return handler.orphan(action, this.ctx, signal);
        case 'start':
        case 'stop': {
          const power = handler[action.op];
          if (!power) throw new PermanentError(`${action.op} applies to VirtualMachine only, not ${action.kind}`);
          return power(action, this.ctx, signal);
        }
        case 'replace':
          throw new PermanentError('replace never reaches a provider: the planner splits it into delete and create');
      }
    });
  }

  private connection(host: string): Virsh {
    const entry = this.ctx.ledger.get('Host', undefined, host);
    if (!entry || typeof entry.spec.url !== 'string') throw new PermanentError(`host ${host} is not a libvirt host cairn manages`);
    const uri = entry.spec.url;
    let c = this.connections.get(uri);
    if (!c) {
      c = new Virsh({ uri, ...(this.opts.callTimeoutMs ? { timeoutMs: this.opts.callTimeoutMs } : {}) });
      this.connections.set(uri, c);
    }
    return c;
  }
}

/** Runs one provider call: refused at once when aborted, and every failure classified. */
async function guard<T>(what: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  if (signal.aborted) throw new TransientError(`${what}: aborted before it started (${String((signal.reason as Error)?.message ?? signal.reason)})`);
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    if (error instanceof VirshError) throw classifyVirshError(error);
    if (error instanceof NftError) throw /ssh|Connection|timed out/i.test(error.stderr) ? new TransientError(error.message, { cause: error }) : new PermanentError(error.message, { cause: error });
    if (error instanceof XmlSyntaxError) throw new PermanentError(`${what}: libvirt answered XML cairn cannot read: ${error.message}`, { cause: error });
    if (signal.aborted) throw new TransientError(`${what}: aborted`, { cause: error });
    if (error instanceof RangeError) throw new PermanentError(`${what}: ${error.message}`, { cause: error });
    if ((error as NodeJS.ErrnoException)?.code === 'EEXIST') throw new ConflictError(`${what}: ${(error as Error).message}`, { cause: error });
    throw new PermanentError(`${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
}

export function createLibvirtProvider(opts: LibvirtProviderOptions): LibvirtProvider {
  return new LibvirtProvider(opts);
}
