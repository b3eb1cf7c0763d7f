import type { Kind } from '../../desired-state/model.js';
import type { ObservedResource } from '../provider.js';
import { handlers } from './kinds/handlers.js';
import { toObserved, type SimObject } from './sim-object.js';
import type { SimulatorWorld } from './world-store.js';

/**
 * What observe returns, kept between observations in one process and brought up to date from the
 * objects written since (world-store.ts `takeChangedObjects`) rather than rebuilt: a controller
 * that applies a few actions and observes again pays for those few, not for 280,000 objects.
 * When another process wrote, the decoded world starts afresh and so does this.
 *
 * The observed objects are shared between observations: they are data, never modified.
 */
class ObservedView {
  private readonly kinds = new Map<Kind, Map<string, ObservedResource>>();
  private epoch = -1;

  constructor(private readonly world: SimulatorWorld) {}

  /** The world's objects of `kinds`, kind by kind; the caller refreshed the world first. */
  observe(kinds: readonly Kind[]): ObservedResource[] {
    const { epoch, ids } = this.world.takeChangedObjects();
    if (epoch !== this.epoch) {
      this.kinds.clear();
      this.epoch = epoch;
    } else if (ids.size > 0) {
      let clusters = false;
      for (const id of ids) {
        const obj = this.world.get(id);
        const kind = obj?.kind ?? kindOfId(id);
        if (kind === 'Cluster') clusters = true;
        const seen = this.kinds.get(kind);
        if (!seen) continue; // not observed yet: read whole when it is
        if (obj) seen.set(id, observed(this.world, obj));
        else seen.delete(id);
      }
      // A host's observed capacity follows its cluster's overcommit.
      if (clusters) this.kinds.delete('Host');
    }
    const out: ObservedResource[] = [];
    for (const kind of kinds) {
      let seen = this.kinds.get(kind);
      if (!seen) {
        seen = new Map();
        for (const obj of this.world.objects([kind])) seen.set(obj.externalId, observed(this.world, obj));
        this.kinds.set(kind, seen);
      }
      for (const o of seen.values()) out.push(o);
    }
    return out;
  }
}

function observed(world: SimulatorWorld, obj: SimObject): ObservedResource {
  const status = handlers[obj.kind].observedStatus;
  return toObserved(obj, status ? status(world, obj) : obj.status);
}

/** `sim-<Kind>-<n>` → Kind. */
function kindOfId(id: string): Kind {
  return id.slice(id.indexOf('-') + 1, id.lastIndexOf('-')) as Kind;
}

const views = new WeakMap<SimulatorWorld, ObservedView>();

/** Every object of `kinds` as observe reports it (one view per world per process). */
export function observeWorld(world: SimulatorWorld, kinds: readonly Kind[]): ObservedResource[] {
  let view = views.get(world);
  if (!view) views.set(world, (view = new ObservedView(world)));
  return view.observe(kinds);
}
