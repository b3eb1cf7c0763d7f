import type { Action } from '../../reconcilers/action.js';
import { InvalidPlanError } from './errors/invalid-plan-error.js';

/** One action with its place in the dependency graph (indices into the plan). */
export interface GraphNode {
  readonly action: Action;
  readonly index: number;
  /** Indices of the actions this one waits for. */
  readonly dependsOn: number[];
  /** Indices of the actions that wait for this one. */
  readonly dependents: number[];
  /**
   * Length of the longest chain of dependents below this action, itself included. Starting long
   * chains first shortens the makespan when the queue is saturated (critical-path scheduling).
   */
  criticalPath: number;
}

/**
 * Checks a plan (unique ids, known dependencies, no cycle) and indexes it. Throws InvalidPlanError;
 * linear in actions + dependency edges.
 */
export function buildDependencyGraph(actions: readonly Action[]): GraphNode[] {
  const indexOf = new Map<string, number>();
  actions.forEach((action, index) => {
    if (indexOf.has(action.id)) throw new InvalidPlanError(`duplicate action id "${action.id}"`);
    indexOf.set(action.id, index);
  });
  const nodes: GraphNode[] = actions.map((action, index) => ({
    action, index, dependsOn: [], dependents: [], criticalPath: 1,
  }));
  for (const node of nodes) {
    const seen = new Set<number>();
    for (const dep of node.action.dependsOn) {
      const depIndex = indexOf.get(dep);
      if (depIndex === undefined) {
        throw new InvalidPlanError(`action "${node.action.id}" depends on "${dep}", which is not in the plan`);
      }
      if (depIndex === node.index) throw new InvalidPlanError(`action "${node.action.id}" depends on itself`);
      if (seen.has(depIndex)) continue; // a repeated dependency is harmless; count it once
      seen.add(depIndex);
      node.dependsOn.push(depIndex);
      nodes[depIndex]!.dependents.push(node.index);
    }
  }

  // Kahn's algorithm: the order in which every action's dependencies come first.
  const remaining = nodes.map((n) => n.dependsOn.length);
  const order: number[] = [];
  for (const node of nodes) if (remaining[node.index] === 0) order.push(node.index);
  for (let i = 0; i < order.length; i++) {
    for (const d of nodes[order[i]!]!.dependents) if (--remaining[d]! === 0) order.push(d);
  }
  if (order.length !== nodes.length) throw new InvalidPlanError(`dependency cycle: ${describeCycle(nodes, remaining)}`);

  for (let i = order.length - 1; i >= 0; i--) {
    const node = nodes[order[i]!]!;
    for (const d of node.dependents) node.criticalPath = Math.max(node.criticalPath, nodes[d]!.criticalPath + 1);
  }
  return nodes;
}

/** Names one cycle among the nodes Kahn's algorithm could not order (all of them sit on or behind one). */
function describeCycle(nodes: GraphNode[], remaining: number[]): string {
  // Walk backwards along unresolved dependencies until a node repeats: that stretch is a cycle.
  let current = remaining.findIndex((r) => r > 0);
  const position = new Map<number, number>();
  const path: number[] = [];
  while (!position.has(current)) {
    position.set(current, path.length);
    path.push(current);
    current = nodes[current]!.dependsOn.find((d) => remaining[d]! > 0)!;
  }
  const cycle = path.slice(position.get(current));
  return `${[...cycle, cycle[0]!].map((i) => nodes[i]!.action.id).join(' -> ')} (each depends on the next)`;
}
