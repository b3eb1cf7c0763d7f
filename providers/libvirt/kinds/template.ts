/**
 * Template ↔ a verified image imported into every cairn pool as `cairn-template.<name>`, the base
 * that ROOT disks are qcow2 overlays on. The declared spec lives in the ledger.
 */
import { ConflictError } from '../../errors/conflict-error.js';
import type { ObservedResource } from '../../provider.js';
import { specOf, toGiB, type KindHandler, type LibvirtContext } from '../context.js';
import type { LedgerEntry } from '../ledger.js';
import { isRootVolume, storageOfPool, templateVolumeName } from '../naming.js';
import { imageFormat, verifiedImage } from '../template-image.js';
import type { HostSnapshot, PoolSeen } from '../world-snapshot.js';
import { volumeXml } from '../xml/storage-xml.js';

const externalId = (name: string) => `libvirt:template:${name}`;

/** Puts the template's image into `pool` on `host` unless it is there; returns the image's path. */
export async function ensureTemplateImage(entry: LedgerEntry, host: HostSnapshot, pool: PoolSeen, ctx: LibvirtContext, signal: AbortSignal): Promise<string> {
  const name = templateVolumeName(entry.name);
  const there = pool.volumes.find((v) => v.name === name);
  if (there) return there.path;
  return ctx.lock.run(`image:${host.host}/${pool.name}/${name}`, async () => {
    const path = `${pool.path.replace(/\/$/, '')}/${name}`;
    // Another action may have imported it while this one waited for the lock.
    if ((await host.virsh.batch([['vol-list', '--pool', pool.name]], signal))[0]!.split('\n').some((l) => l.trim().split(/\s+/)[0] === name)) return path;
    await importImage(entry, name, host, pool, signal);
    return path;
  });
}

async function importImage(entry: LedgerEntry, name: string, host: HostSnapshot, pool: PoolSeen, signal: AbortSignal): Promise<void> {
  const image = await verifiedImage(entry.name, entry.spec);
  const run = (args: string[], xml?: string) => host.virsh.run(args, signal, xml);
  // Raw of the file's size, then the bytes: the pool probes the format back from the content.
  await run(['vol-create', pool.name, '@xml'], volumeXml({ name, capacityBytes: Math.max(image.bytes, 512), format: 'raw' }));
  await run(['vol-upload', '--pool', pool.name, name, image.path]);
  await run(['pool-refresh', pool.name]);
}

async function importEverywhere(entry: LedgerEntry, ctx: LibvirtContext, signal: AbortSignal): Promise<void> {
  for (const h of await ctx.snapshot(signal))
    for (const p of h.pools) if (p.active && storageOfPool(p.name) && ctx.ledger.get('PrimaryStorage', undefined, storageOfPool(p.name)!)) await ensureTemplateImage(entry, h, p, ctx, signal);
}

export const templateHandler: KindHandler = {
  observe(world, ctx) {
    const out: ObservedResource[] = [];
    for (const entry of ctx.ledger.all('Template')) {
      const images = world.flatMap((h) => h.pools.flatMap((p) => p.volumes.filter((v) => v.name === templateVolumeName(entry.name)).map((v) => ({ host: h.host, pool: p.name, v }))));
      out.push({
        kind: 'Template',
        name: entry.name,
        externalId: externalId(entry.name),
        managed: !entry.orphaned,
        spec: { ...entry.spec },
        status: {
          pools: images.map((i) => `${i.host}/${i.pool}`),
          ...(images[0] ? { sizeGiB: toGiB(images[0].v.capacityBytes), format: images[0].v.format } : {}),
        },
      });
    }
    return out;
  },

  async create(action, ctx, signal) {
    const spec = specOf(action);
    imageFormat(spec);
    // Verified before anything is recorded: a bad checksum leaves no trace.
    await verifiedImage(action.name, spec);
    const existing = ctx.ledger.get('Template', undefined, action.name);
    const entry: LedgerEntry = { kind: 'Template', name: action.name, spec };
    ctx.ledger.put(entry);
    await importEverywhere(entry, ctx, signal);
    return { externalId: externalId(action.name), ...(existing && !existing.orphaned ? { adopted: true } : {}) };
  },

  async update(action, ctx) {
    const existing = ctx.ledger.get('Template', undefined, action.name);
    if (!existing || existing.orphaned) throw new ConflictError(`Template ${action.name} is not in the world`);
    ctx.ledger.put({ ...existing, spec: specOf(action) });
    return { externalId: externalId(action.name) };
  },

  async delete(action, ctx, signal) {
    if (!ctx.ledger.get('Template', undefined, action.name)) return {};
    const name = templateVolumeName(action.name);
    const world = await ctx.snapshot(signal);
    for (const h of world)
      for (const p of h.pools) {
        const image = p.volumes.find((v) => v.name === name);
        if (!image) continue;
        const overlays = p.volumes.filter((v) => isRootVolume(v.name) && v.backingPath === image.path);
        if (overlays.length > 0) throw new ConflictError(`Template ${action.name} is the base of ${overlays.map((v) => v.name).join(', ')} on ${h.host}`);
      }
    for (const h of world) for (const p of h.pools) if (p.volumes.some((v) => v.name === name)) await h.virsh.run(['vol-delete', '--pool', p.name, name], signal);
    ctx.ledger.remove('Template', undefined, action.name);
    return {};
  },

  async orphan(action, ctx) {
    const existing = ctx.ledger.get('Template', undefined, action.name);
    if (existing) ctx.ledger.put({ ...existing, orphaned: true });
    return { externalId: externalId(action.name) };
  },
};
