import type { Action, ActionResult } from '../../reconcilers/action.js';
import { ConflictError } from '../errors/conflict-error.js';
import { PermanentError } from '../errors/permanent-error.js';
import { handlers } from './kinds/handlers.js';
import type { Transition } from './kinds/kind-handler.js';
import { checkReferences } from './references.js';
import { describeRef, label, type SimObject } from './sim-object.js';
import type { WorldTx } from './world-transaction.js';

/** What one operation did now, and the transition it began (ended after the call's latency). */
export interface OpStep {
  result: ActionResult;
  transition?: Transition;
}

/*
 * The generic half of every operation: identity, adoption, finding the object, references, and
 * refusing to touch foreign objects. The kind's own behaviour is in kinds/.
 */

const ownerOf = (action: Action): string => action.owner ?? '';
const who = (action: Action): string => describeRef(action.kind, action.owner, action.name);

/** The object an action is about: by `externalId` when given (a missing one is gone), else by identity. */
function locate(tx: WorldTx, action: Action): SimObject | undefined {
  if (action.externalId !== undefined) {
    const obj = tx.get(action.externalId);
    if (obj && obj.kind !== action.kind) throw new ConflictError(`${who(action)}: ${action.externalId} is a ${obj.kind}, not a ${action.kind}`);
    return obj;
  }
  return tx.byIdentity(action.kind, ownerOf(action), action.name);
}

function requireManaged(action: Action, obj: SimObject | undefined, verb: string): SimObject {
  if (!obj) throw new ConflictError(`${who(action)} is gone${action.externalId ? ` (${action.externalId})` : ''}: cannot ${verb} it`);
  if (!obj.identity) throw new ConflictError(`${label(obj)} (${obj.externalId}) is not managed by cairn (foreign or orphaned): it is never modified`);
  return obj;
}

function requireSpec(action: Action): Record<string, unknown> {
  if (!action.spec || typeof action.spec !== 'object') throw new PermanentError(`${action.op} ${who(action)}: the action carries no spec`);
  return action.spec;
}

function done(obj: SimObject, transition: Transition | void, extra: Partial<ActionResult> = {}): OpStep {
  return { result: { externalId: obj.externalId, status: obj.status, ...extra }, ...(transition ? { transition } : {}) };
}

export function runOperation(tx: WorldTx, action: Action): OpStep {
  const handler = handlers[action.kind];
  switch (action.op) {
    case 'create': {
      const spec = requireSpec(action);
      const existing = tx.byIdentity(action.kind, ownerOf(action), action.name);
      // Adopt what already carries this identity (a retry after a lost reply, a crashed apply): never a second object.
      if (existing && existing.status.state !== 'Destroyed') return done(existing, undefined, { adopted: true });
      // A VM destroyed but not yet removed is expunged: its resources were given back when it was destroyed.
      if (existing) tx.remove(existing);
      checkReferences(tx, action.kind, ownerOf(action), action.name, spec);
      const obj: SimObject = { externalId: tx.nextId(action.kind), kind: action.kind, name: action.name, owner: ownerOf(action), spec, status: {} };
      const transition = handler.create(tx, obj, action);
      tx.setIdentity(obj);
      return done(obj, transition);
    }
    case 'update': {
      const spec = requireSpec(action);
      const obj = requireManaged(action, locate(tx, action), 'update');
      checkReferences(tx, action.kind, obj.owner, obj.name, spec);
      const transition = handler.update(tx, obj, spec, action);
      tx.put(obj);
      return done(obj, transition);
    }
    case 'delete': {
      const obj = locate(tx, action);
      if (!obj) return { result: action.externalId ? { externalId: action.externalId } : {} };
      requireManaged(action, obj, 'delete');
      const transition = handler.delete(tx, obj);
      if (transition) tx.put(obj);
      else tx.remove(obj);
      return done(obj, transition);
    }
    case 'orphan': {
      const obj = locate(tx, action);
      if (!obj) return { result: action.externalId ? { externalId: action.externalId } : {} };
      // Already unmanaged: orphaning again changes nothing.
      if (obj.identity) tx.clearIdentity(obj);
      return done(obj, undefined);
    }
    case 'start':
    case 'stop': {
      const run = handler[action.op];
      if (!run) throw new PermanentError(`${action.op} applies to VirtualMachine only, not to ${action.kind}`);
      const obj = requireManaged(action, locate(tx, action), action.op);
      const transition = run(tx, obj, action);
      tx.put(obj);
      return done(obj, transition);
    }
    case 'replace':
      throw new PermanentError(`replace never reaches a provider: the executor sends its delete, then its create (${who(action)})`);
    default:
      throw new PermanentError(`unknown operation ${JSON.stringify((action as { op: unknown }).op)} for ${who(action)}`);
  }
}
