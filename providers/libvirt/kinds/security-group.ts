/**
 * SecurityGroup ↔ a libvirt nwfilter `cairn-sg.<tenant>.<name>` on every cairn host, referenced
 * from each member VM's interface (`<filterref>`, virtual-machine.ts). The spec is read back from
 * the filter's rules (xml/nwfilter-xml.ts), so a rule edited by hand is drift; nwfilters have no
 * metadata, so the ledger holds the identity and whether cairn still manages the filter.
 */
import { ConflictError } from '../../errors/conflict-error.js';
import { TransientError } from '../../errors/transient-error.js';
import type { ObservedResource } from '../../provider.js';
import type { Action } from '../../../reconcilers/action.js';
import { specOf, type KindHandler } from '../context.js';
import { securityGroupFilterName } from '../naming.js';
import { nwfilterXml, type SecurityGroupRules, type TrafficRule } from '../xml/nwfilter-xml.js';

const externalId = (owner: string | undefined, name: string) => `libvirt:nwfilter:${securityGroupFilterName(owner, name)}`;

function rulesOf(spec: Record<string, unknown>): SecurityGroupRules {
  const list = (v: unknown): TrafficRule[] =>
    (Array.isArray(v) ? v : []).map((r: Record<string, unknown>) => ({
      protocol: String(r.protocol ?? 'all'),
      ...(typeof r.ports === 'string' ? { ports: r.ports } : {}),
      cidrs: Array.isArray(r.cidrs) ? r.cidrs.map(String) : ['0.0.0.0/0'],
    }));
  return { ingress: list(spec.ingress), egress: list(spec.egress) };
}

function specFrom(rules: SecurityGroupRules): Record<string, unknown> {
  return { ingress: rules.ingress, ...(rules.egress.length > 0 ? { egress: rules.egress } : {}) };
}

const entryOf = (a: Pick<Action, 'owner' | 'name'>, ctx: Parameters<KindHandler['observe']>[1]) => ctx.ledger.get('SecurityGroup', a.owner, a.name);

export const securityGroupHandler: KindHandler = {
  observe(world, ctx) {
    const out = new Map<string, ObservedResource>();
    const entries = ctx.ledger.all('SecurityGroup');
    for (const h of world)
      for (const f of h.filters) {
        const entry = entries.find((e) => securityGroupFilterName(e.owner, e.name) === f.name);
        const key = entry ? `${entry.owner ?? ''}/${entry.name}` : `foreign/${f.name}`;
        const prior = out.get(key);
        if (prior) {
          (prior.status.hosts as string[]).push(h.host);
          continue;
        }
        out.set(key, {
          kind: 'SecurityGroup',
          name: entry?.name ?? f.name,
          ...(entry?.owner ? { owner: entry.owner } : {}),
          externalId: entry ? externalId(entry.owner, entry.name) : `libvirt:nwfilter:${f.name}`,
          managed: entry !== undefined && !entry.orphaned,
          spec: specFrom(f.rules),
          status: { hosts: [h.host], filter: f.name, uuid: f.uuid },
        });
      }
    return [...out.values()];
  },

  async create(action, ctx, signal) {
    const spec = specOf(action);
    const existing = entryOf(action, ctx);
    const name = securityGroupFilterName(action.owner, action.name);
    const world = await ctx.snapshot(signal);
    // As networks: nothing orders a group after the hosts, so wait (retried) for the first one.
    if (world.length === 0) throw new TransientError(`SecurityGroup ${action.name}: no libvirt host to define it on yet`);
    ctx.ledger.put({ kind: 'SecurityGroup', ...(action.owner ? { owner: action.owner } : {}), name: action.name, spec });
    let adopted = existing !== undefined && !existing.orphaned;
    for (const h of world) {
      const seen = h.filters.find((f) => f.name === name);
      if (seen) adopted = adopted || existing !== undefined;
      // Defining again is how libvirt updates a filter: the same rules change nothing.
      await h.virsh.run(['nwfilter-define', '@xml'], signal, nwfilterXml(name, seen?.uuid, rulesOf(spec)));
    }
    return { externalId: externalId(action.owner, action.name), ...(adopted ? { adopted: true } : {}) };
  },

  async update(action, ctx, signal) {
    const existing = entryOf(action, ctx);
    if (!existing || existing.orphaned) throw new ConflictError(`SecurityGroup ${action.name} is not in the world`);
    const spec = specOf(action);
    const name = securityGroupFilterName(action.owner, action.name);
    const world = await ctx.snapshot(signal);
    const where = world.filter((h) => h.filters.some((f) => f.name === name));
    if (where.length === 0) throw new ConflictError(`SecurityGroup ${action.name} is not in the world`);
    // libvirt re-instantiates a redefined filter on the running VMs that reference it.
    for (const h of where) await h.virsh.run(['nwfilter-define', '@xml'], signal, nwfilterXml(name, h.filters.find((f) => f.name === name)!.uuid, rulesOf(spec)));
    ctx.ledger.put({ ...existing, spec });
    return { externalId: externalId(action.owner, action.name) };
  },

  async delete(action, ctx, signal) {
    const existing = entryOf(action, ctx);
    if (!existing) return {};
    const name = securityGroupFilterName(action.owner, action.name);
    for (const h of await ctx.snapshot(signal)) {
      const users = h.domains.filter((d) => d.nics.some((n) => n.filter === name));
      if (users.length > 0) throw new ConflictError(`SecurityGroup ${action.name} is still on ${users.map((d) => d.name).join(', ')}`);
      if (h.filters.some((f) => f.name === name)) await h.virsh.run(['nwfilter-undefine', name], signal);
    }
    ctx.ledger.remove('SecurityGroup', action.owner, action.name);
    return {};
  },

  async orphan(action, ctx) {
    const existing = entryOf(action, ctx);
    if (existing) ctx.ledger.put({ ...existing, orphaned: true });
    return { externalId: externalId(action.owner, action.name) };
  },
};
