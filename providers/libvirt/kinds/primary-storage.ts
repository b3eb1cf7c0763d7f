/**
 * PrimaryStorage `dir:///path` ↔ a libvirt dir pool named `cairn-pool.<name>`, defined, built and
 * started (and autostarted) on every cairn host of its cluster (zone-wide pools: every cairn host).
 * `nfs://host/export` (netfs) and `rbd://` (rbd) pools are refused for now with a PermanentError.
 * The declared spec lives in the ledger; capacity and use are the pool's own figures.
 */
import { ConflictError } from '../../errors/conflict-error.js';
import { PermanentError } from '../../errors/permanent-error.js';
import type { ObservedResource } from '../../provider.js';
import { specOf, toGiB, type KindHandler, type LibvirtContext } from '../context.js';
import type { LedgerEntry } from '../ledger.js';
import { isCairnPool, isDataVolume, poolName, storageOfPool } from '../naming.js';
import type { HostSnapshot } from '../world-snapshot.js';
import { dirPoolXml } from '../xml/storage-xml.js';

const externalId = (name: string) => `libvirt:pool:${poolName(name)}`;

export function poolPath(url: unknown, name: string): string {
  if (typeof url === 'string' && url.startsWith('dir:///')) return url.slice('dir://'.length);
  throw new PermanentError(`PrimaryStorage ${name}: url ${JSON.stringify(url)}: only dir:///path pools are supported by the libvirt provider so far (nfs:// and rbd:// are not)`);
}

/** The cairn hosts a pool belongs on: those of its cluster, or all for a zone-wide pool. */
export function hostsForPool(entry: LedgerEntry, ctx: LibvirtContext): string[] {
  if (entry.spec.scope === 'Zone') return ctx.hostNames();
  return ctx.hostNames().filter((h) => ctx.ledger.get('Host', undefined, h)?.spec.cluster === entry.spec.cluster);
}

/** Defines, builds and starts the pool on `host` where it is missing or stopped; true when it did anything. */
export async function ensurePool(entry: LedgerEntry, host: HostSnapshot, ctx: LibvirtContext, signal: AbortSignal): Promise<boolean> {
  const name = poolName(entry.name);
  if (host.pools.find((p) => p.name === name)?.active) return false;
  return ctx.lock.run(`pool:${host.host}/${name}`, async () => {
    // Read again inside the lock: a parallel action may have made it meanwhile.
    const list = (await host.virsh.batch([['pool-list', '--all']], signal))[0]!;
    const row = list.split('\n').map((l) => l.trim().split(/\s+/)).find((r) => r[0] === name);
    return definePool(entry, host, row ? { active: row[1] === 'active' } : undefined, signal);
  });
}

async function definePool(entry: LedgerEntry, host: HostSnapshot, seen: { active: boolean } | undefined, signal: AbortSignal): Promise<boolean> {
  const name = poolName(entry.name);
  if (!seen) {
    await host.virsh.run(['pool-define', '@xml'], signal, dirPoolXml(name, poolPath(entry.spec.url, entry.name)));
    await host.virsh.run(['pool-build', name], signal);
    await host.virsh.run(['pool-autostart', name], signal);
  }
  if (!seen?.active) await host.virsh.run(['pool-start', name], signal);
  return !seen?.active;
}

export const primaryStorageHandler: KindHandler = {
  observe(world, ctx) {
    const out: ObservedResource[] = [];
    for (const entry of ctx.ledger.all('PrimaryStorage')) {
      const pools = world.flatMap((h) => h.pools.filter((p) => p.name === poolName(entry.name)).map((p) => ({ host: h.host, pool: p })));
      if (pools.length === 0) continue;
      const first = pools[0]!.pool;
      out.push({
        kind: 'PrimaryStorage',
        name: entry.name,
        externalId: externalId(entry.name),
        managed: !entry.orphaned,
        spec: { ...entry.spec },
        status: {
          capacityGiB: toGiB(first.capacityBytes),
          usedGiB: toGiB(first.volumes.reduce((n, v) => n + v.capacityBytes, 0)),
          hosts: pools.map((p) => p.host),
          active: pools.every((p) => p.pool.active),
          path: first.path,
        },
      });
    }
    // Pools cairn did not make: seen, never touched.
    for (const h of world)
      for (const p of h.pools)
        if (!isCairnPool(p.name) || !ctx.ledger.get('PrimaryStorage', undefined, storageOfPool(p.name)!))
          out.push({
            kind: 'PrimaryStorage',
            name: p.name,
            externalId: `libvirt:pool:${h.host}/${p.name}`,
            managed: false,
            spec: { url: `${p.type}://${p.path}` },
            status: { host: h.host, capacityGiB: toGiB(p.capacityBytes), active: p.active },
          });
    return out;
  },

  async create(action, ctx, signal) {
    const spec = specOf(action);
    poolPath(spec.url, action.name);
    const existing = ctx.ledger.get('PrimaryStorage', undefined, action.name);
    const entry: LedgerEntry = { kind: 'PrimaryStorage', name: action.name, spec };
    ctx.ledger.put(entry);
    const world = await ctx.snapshot(signal);
    for (const host of hostsForPool(entry, ctx)) {
      const h = world.find((w) => w.host === host);
      if (h) await ensurePool(entry, h, ctx, signal);
    }
    return { externalId: externalId(action.name), ...(existing && !existing.orphaned ? { adopted: true } : {}) };
  },

  async update(action, ctx) {
    const existing = ctx.ledger.get('PrimaryStorage', undefined, action.name);
    if (!existing || existing.orphaned) throw new ConflictError(`PrimaryStorage ${action.name} is not in the world`);
    const spec = specOf(action);
    if (spec.url !== existing.spec.url) throw new PermanentError(`PrimaryStorage ${action.name}: the url cannot change in place`);
    ctx.ledger.put({ ...existing, spec });
    return { externalId: externalId(action.name) };
  },

  async delete(action, ctx, signal) {
    const existing = ctx.ledger.get('PrimaryStorage', undefined, action.name);
    if (!existing) return {};
    const name = poolName(action.name);
    const world = await ctx.snapshot(signal);
    for (const h of world) {
      const pool = h.pools.find((p) => p.name === name);
      if (!pool) continue;
      const held = pool.volumes.filter((v) => isDataVolume(v.name) || v.name.startsWith('cairn-root.'));
      if (held.length > 0) throw new ConflictError(`PrimaryStorage ${action.name} still holds ${held.map((v) => v.name).join(', ')} on ${h.host}`);
    }
    for (const h of world) {
      const pool = h.pools.find((p) => p.name === name);
      if (!pool) continue;
      // The folder and what is left in it (template images) stay: deleting the pool is not deleting data.
      if (pool.active) await h.virsh.run(['pool-destroy', name], signal);
      await h.virsh.run(['pool-undefine', name], signal);
    }
    ctx.ledger.remove('PrimaryStorage', undefined, action.name);
    return {};
  },

  async orphan(action, ctx) {
    const existing = ctx.ledger.get('PrimaryStorage', undefined, action.name);
    if (existing) ctx.ledger.put({ ...existing, orphaned: true });
    return { externalId: externalId(action.name) };
  },
};
