import { intToIpv4, parseCidr } from '../../../desired-state/validate/formats.js';
import type { Action } from '../../../reconcilers/action.js';
import { ConflictError } from '../../errors/conflict-error.js';
import { PermanentError } from '../../errors/permanent-error.js';
import { claimValue, claimVlan, networkClaimsPrefix, releaseClaim } from '../address-pools.js';
import { referenced } from '../references.js';
import { label, type SimObject } from '../sim-object.js';
import type { KindHandler } from './kind-handler.js';

/** The VLAN a network asks for: the planner's choice, else a number in the spec; undefined: allocate. */
function wantedVlan(spec: Record<string, unknown>, action: Action): number | undefined {
  const placed = action.placement?.vlan;
  if (placed !== undefined && placed !== 'auto') return Number(placed);
  return typeof spec.vlan === 'number' ? spec.vlan : undefined;
}

function addressing(spec: Record<string, unknown>): Record<string, unknown> {
  if (typeof spec.cidr !== 'string') return {};
  const cidr = parseCidr(spec.cidr);
  const gateway = typeof spec.gateway === 'string' ? spec.gateway : cidr ? intToIpv4(cidr.base + 1) : undefined;
  return { cidr: spec.cidr, ...(gateway ? { gateway } : {}) };
}

function vlanClaim(net: SimObject): string | undefined {
  return net.claims?.find((k) => k.startsWith('vlan'));
}

function setVlan(net: SimObject, key: string): void {
  net.claims = [...(net.claims ?? []).filter((k) => !k.startsWith('vlan')), key];
  net.status = { ...net.status, vlan: Number(claimValue(key)) };
}

/** Guest networks: a VLAN from the zone's guest range, addresses handed to NICs (address-pools.ts). */
export const networkHandler: KindHandler = {
  create(tx, net, action) {
    const zone = referenced(tx, 'Zone', net.spec.zone, net.owner);
    net.status = { state: 'Implemented', ...addressing(net.spec) };
    setVlan(net, claimVlan(tx, zone, net.externalId, wantedVlan(net.spec, action)));
  },
  update(tx, net, spec, action) {
    for (const field of ['zone', 'type'] as const) {
      if (spec[field] !== net.spec[field]) throw new PermanentError(`${label(net)}: ${field} cannot change in place`);
    }
    if ((spec.cidr !== net.spec.cidr || spec.gateway !== net.spec.gateway) && tx.hasClaims(networkClaimsPrefix(net.externalId))) {
      throw new PermanentError(`${label(net)}: cidr and gateway cannot change while VMs have addresses on it`);
    }
    const wanted = wantedVlan(spec, action);
    if (wanted !== undefined && wanted !== net.status.vlan) {
      const zone = referenced(tx, 'Zone', spec.zone, net.owner);
      const old = vlanClaim(net);
      setVlan(net, claimVlan(tx, zone, net.externalId, wanted));
      if (old) releaseClaim(tx, old);
    }
    net.spec = spec;
    const { cidr: _c, gateway: _g, ...rest } = net.status;
    net.status = { ...rest, ...addressing(spec) };
  },
  delete(tx, net) {
    if (tx.hasClaims(networkClaimsPrefix(net.externalId))) throw new ConflictError(`${label(net)} still has VMs with addresses on it: delete them first`);
    for (const key of net.claims ?? []) releaseClaim(tx, key);
  },
};
