import type { Action, ActionOp } from '../../reconcilers/action.js';

/** A plan action for tests: id = name unless given, a VM in account acme by default. */
export function act(name: string, dependsOn: string[] = [], extra: Partial<Action> = {}): Action {
  const op: ActionOp = extra.op ?? 'create';
  return {
    id: name,
    op,
    kind: 'VirtualMachine',
    name,
    owner: 'account:acme',
    reason: 'test',
    fields: [],
    dependsOn,
    destructive: op === 'delete' || op === 'replace',
    ...extra,
  };
}

/** Every action reachable from `roots` through dependents (the roots excluded). */
export function descendants(actions: readonly Action[], roots: Iterable<string>): Set<string> {
  const dependents = new Map<string, string[]>();
  for (const a of actions) for (const d of a.dependsOn) (dependents.get(d) ?? dependents.set(d, []).get(d)!).push(a.id);
  const out = new Set<string>();
  const stack = [...roots].flatMap((r) => dependents.get(r) ?? []);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(dependents.get(id) ?? []));
  }
  return out;
}

/** Every action `id` depends on, transitively. */
export function ancestors(actions: readonly Action[], id: string): Set<string> {
  const byId = new Map(actions.map((a) => [a.id, a]));
  const out = new Set<string>();
  const stack = [...(byId.get(id)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const d = stack.pop()!;
    if (out.has(d)) continue;
    out.add(d);
    stack.push(...(byId.get(d)?.dependsOn ?? []));
  }
  return out;
}

export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** Resolves once `predicate` holds, polling every macrotask (fails the test after `ms`). */
export async function until(predicate: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 1));
  }
}
