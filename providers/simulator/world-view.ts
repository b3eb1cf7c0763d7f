import { KINDS, type Kind } from '../../desired-state/model.js';
import { handlers } from './kinds/handlers.js';
import type { SimObject } from './sim-object.js';
import type { SimulatorWorld } from './world-store.js';

/** One object as observe reports it: the stored object and its observed status (a host's capacity joined in). */
export interface ViewedObject {
  object: SimObject;
  status: Record<string, unknown>;
}

/** Every object of the given kinds (all when omitted), kind by kind in KINDS order, as of the latest commit. */
export function* viewWorld(world: SimulatorWorld, kinds: readonly Kind[] = KINDS): Generator<ViewedObject> {
  world.refresh();
  for (const object of world.objects(kinds)) {
    const h = handlers[object.kind];
    yield { object, status: h.observedStatus ? h.observedStatus(world, object) : object.status };
  }
}
