/**
 * Host ↔ a libvirt connection. cairn's ledger holds the declared spec (url, cluster, tags...); the
 * state and capacity are what the connection's node info says now.
 */
import { ConflictError } from '../../errors/conflict-error.js';
import { PermanentError } from '../../errors/permanent-error.js';
import type { ObservedResource } from '../../provider.js';
import { specOf, type KindHandler } from '../context.js';
import { readIdentity } from '../identity-metadata.js';

const externalId = (name: string) => `libvirt:host:${name}`;

export const hostHandler: KindHandler = {
  observe(world, ctx) {
    const out: ObservedResource[] = [];
    for (const entry of ctx.ledger.all('Host')) {
      const seen = world.find((h) => h.host === entry.name);
      const managedVms = seen?.domains.filter((d) => d.identity?.kind === 'VirtualMachine') ?? [];
      const running = seen?.domains.filter((d) => d.state === 'running') ?? [];
      out.push({
        kind: 'Host',
        name: entry.name,
        externalId: externalId(entry.name),
        managed: !entry.orphaned,
        spec: { ...entry.spec },
        status: seen
          ? {
              state: 'Up',
              ...seen.node,
              used: {
                vms: running.length,
                cpuCores: running.reduce((n, d) => n + d.vcpus, 0),
                memoryMiB: running.reduce((n, d) => n + d.memoryMiB, 0),
              },
              domains: { total: seen.domains.length, cairn: managedVms.length },
            }
          : { state: 'Down' },
      });
    }
    return out;
  },

  async create(action, ctx, signal) {
    const spec = specOf(action);
    const url = spec.url;
    if (typeof url !== 'string' || !/^(qemu|qemu\+\w+):\/\//.test(url)) {
      throw new PermanentError(`Host ${action.name}: url ${JSON.stringify(url)} is not a libvirt QEMU URI (qemu:///system, qemu+ssh://root@host/system, qemu+unix:///system?socket=...)`);
    }
    const existing = ctx.ledger.get('Host', undefined, action.name);
    ctx.ledger.put({ kind: 'Host', name: action.name, spec });
    // A host cairn cannot reach is no host yet: the TransientError makes the executor retry, and the
    // retry finds the ledger entry (adopted).
    await ctx.connection(action.name).run(['nodeinfo'], signal);
    return { externalId: externalId(action.name), ...(existing && !existing.orphaned ? { adopted: true } : {}) };
  },

  async update(action, ctx) {
    const existing = ctx.ledger.get('Host', undefined, action.name);
    if (!existing || existing.orphaned) throw new ConflictError(`Host ${action.name} is not in the world`);
    const spec = specOf(action);
    if (spec.url !== existing.spec.url) throw new PermanentError(`Host ${action.name}: the url cannot change in place`);
    ctx.ledger.put({ ...existing, spec });
    return { externalId: externalId(action.name) };
  },

  async delete(action, ctx, signal) {
    const existing = ctx.ledger.get('Host', undefined, action.name);
    if (!existing) return {};
    const world = await ctx.snapshot(signal).catch(() => []);
    const vms = world.find((h) => h.host === action.name)?.domains.filter((d) => readIdentityKind(d) === 'VirtualMachine') ?? [];
    if (vms.length > 0) throw new ConflictError(`Host ${action.name} still runs ${vms.length} cairn VM(s): ${vms.map((d) => d.name).join(', ')}`);
    ctx.ledger.remove('Host', undefined, action.name);
    return {};
  },

  async orphan(action, ctx) {
    const existing = ctx.ledger.get('Host', undefined, action.name);
    if (existing) ctx.ledger.put({ ...existing, orphaned: true });
    return { externalId: externalId(action.name) };
  },
};

function readIdentityKind(d: { identity: ReturnType<typeof readIdentity> }): string | undefined {
  return d.identity?.managed ? d.identity.kind : undefined;
}
