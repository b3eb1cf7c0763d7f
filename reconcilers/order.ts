import type { ActionOp } from './action.js';
import { displayName } from './identity.js';
import { KIND_TIER } from './kind-order.js';
import type { Node } from './plan-nodes.js';

/** Within one wave: removals before additions, so a plan reads like terraform's. */
const PHASE: Readonly<Record<ActionOp, number>> = { orphan: 0, delete: 1, stop: 2, replace: 3, update: 4, create: 5, start: 6 };
const REVERSED = new Set<ActionOp>(['orphan', 'delete', 'stop']);
const SEQ = 2 ** 22;

export interface Ordered {
  nodes: Node[];
  /** Cycles found, each as the nodes around it (the first repeated at the end). */
  cycles: Node[][];
}

/**
 * Topological order by waves (Kahn): a node's wave is one more than its latest dependency's, so
 * every dependency is earlier; within a wave by phase, kind tier (reversed for removals: VMs before
 * networks before zones) and creation order. Nodes on or behind a cycle are appended at the end in
 * creation order, and the cycles are returned for the planner to report.
 */
export function order(nodes: Node[]): Ordered {
  const n = nodes.length;
  nodes.forEach((node, i) => (node.index = i));
  // De-duplicate dependencies (a pool may wait on the same host twice). Their order is the order
  // they were found in, which depends on git and on identities only, never on how the world was listed.
  let stamp = 0;
  for (const node of nodes) {
    if (node.deps.length < 2) continue;
    stamp++;
    const unique: Node[] = [];
    for (const d of node.deps) {
      if (d.mark === stamp) continue;
      d.mark = stamp;
      unique.push(d);
    }
    node.deps = unique;
  }
  for (const node of nodes) node.mark = 0;

  const indegree = new Int32Array(n);
  const start = new Int32Array(n + 1);
  for (const node of nodes) for (const d of node.deps) start[d.index! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const dependents = new Int32Array(start[n]!);
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    indegree[i] = node.deps.length;
    for (const d of node.deps) dependents[fill[d.index!]!++] = i;
  }

  const wave = new Int32Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue[tail++] = i;
  while (head < tail) {
    const i = queue[head++]!;
    for (let k = start[i]!; k < start[i + 1]!; k++) {
      const j = dependents[k]!;
      if (wave[j]! < wave[i]! + 1) wave[j] = wave[i]! + 1;
      if (--indegree[j]! === 0) queue[tail++] = j;
    }
  }

  const keys = new Float64Array(tail);
  for (let q = 0; q < tail; q++) {
    const i = queue[q]!;
    const a = nodes[i]!.a;
    const tier = REVERSED.has(a.op) ? 31 - KIND_TIER[a.kind] : KIND_TIER[a.kind];
    keys[q] = ((wave[i]! * 8 + PHASE[a.op]) * 32 + tier) * SEQ + i;
  }
  keys.sort();
  const ordered: Node[] = new Array(n);
  for (let q = 0; q < tail; q++) ordered[q] = nodes[keys[q]! % SEQ]!;

  const cycles: Node[][] = [];
  if (tail < n) {
    let k = tail;
    for (let i = 0; i < n; i++) if (indegree[i]! > 0) ordered[k++] = nodes[i]!;
    cycles.push(...findCycles(nodes, indegree));
  }
  return { nodes: ordered, cycles };
}

/** Up to five distinct cycles among the nodes Kahn could not order (iterative DFS, no recursion). */
function findCycles(nodes: Node[], indegree: Int32Array): Node[][] {
  const state = new Uint8Array(nodes.length); // 0 new, 1 on the stack, 2 done
  const cycles: Node[][] = [];
  for (let s = 0; s < nodes.length && cycles.length < 5; s++) {
    if (indegree[s]! === 0 || state[s] !== 0) continue;
    const stack: { i: number; next: number }[] = [{ i: s, next: 0 }];
    state[s] = 1;
    while (stack.length > 0 && cycles.length < 5) {
      const top = stack[stack.length - 1]!;
      const deps = nodes[top.i]!.deps;
      if (top.next >= deps.length) {
        state[top.i] = 2;
        stack.pop();
        continue;
      }
      const j = deps[top.next++]!.index!;
      if (indegree[j]! === 0) continue;
      if (state[j] === 1) {
        // top waits for j, which (down the stack) waits for top: report it in "waits for" order.
        const from = stack.findIndex((f) => f.i === j);
        const cycle = stack.slice(from).map((f) => nodes[f.i]!);
        cycles.push([...cycle, nodes[j]!]);
      } else if (state[j] === 0) {
        state[j] = 1;
        stack.push({ i: j, next: 0 });
      }
    }
  }
  return cycles;
}

export function describeNode(node: Node): string {
  return `${node.a.op} ${displayName(node.a.kind, node.a.owner, node.a.name)}`;
}
