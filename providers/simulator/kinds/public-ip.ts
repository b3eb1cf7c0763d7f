import type { Action } from '../../../reconcilers/action.js';
import { PermanentError } from '../../errors/permanent-error.js';
import { claimPublicAddress, releaseClaim } from '../address-pools.js';
import { referenced } from '../references.js';
import { label, type SimObject } from '../sim-object.js';
import type { WorldTx } from '../world-transaction.js';
import type { KindHandler } from './kind-handler.js';

function wantedAddress(spec: Record<string, unknown>, action: Action): string | undefined {
  const placed = action.placement?.address;
  if (typeof placed === 'string' && placed !== 'auto') return placed;
  return typeof spec.address === 'string' && spec.address !== 'auto' ? spec.address : undefined;
}

function assign(tx: WorldTx, ip: SimObject, spec: Record<string, unknown>, wanted: string | undefined): void {
  const zone = referenced(tx, 'Zone', spec.zone, ip.owner);
  const { key, address, range } = claimPublicAddress(tx, zone, ip.externalId, wanted);
  ip.claims = [key];
  ip.status = {
    ...ip.status,
    address,
    ...(range.vlan !== undefined ? { vlan: range.vlan } : {}),
    ...(typeof range.gateway === 'string' ? { gateway: range.gateway } : {}),
    ...(typeof range.netmask === 'string' ? { netmask: range.netmask } : {}),
  };
}

/** Public addresses from the zone's publicIpRanges. */
export const publicIpHandler: KindHandler = {
  create(tx, ip, action) {
    ip.status = { state: 'Allocated' };
    assign(tx, ip, ip.spec, wantedAddress(ip.spec, action));
  },
  update(tx, ip, spec, action) {
    if (spec.zone !== ip.spec.zone) throw new PermanentError(`${label(ip)}: zone cannot change in place`);
    const wanted = wantedAddress(spec, action);
    if (wanted !== undefined && wanted !== ip.status.address) {
      const old = ip.claims ?? [];
      assign(tx, ip, spec, wanted);
      for (const key of old) releaseClaim(tx, key);
    }
    ip.spec = spec;
  },
  delete(tx, ip) {
    for (const key of ip.claims ?? []) releaseClaim(tx, key);
  },
};
