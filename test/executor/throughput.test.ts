import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { executePlan } from '../../controller/executor/execute-plan.js';
import { closeJournals, openJournal } from '../../controller/state/journal.js';
import type { Action } from '../../reconcilers/action.js';
import { FakeProvider } from './fake-provider.js';
import { act } from './plan-fixtures.js';

/**
 * Information only (timing is never asserted): the executor's own overhead with a provider that
 * answers at once, for 10,000 actions. Target: at least 5,000 actions/s.
 */
const N = 10_000;

function independent(): Action[] {
  return Array.from({ length: N }, (_, i) => act(`a${i}`, [], { placement: { host: `h${i % 50}` } }));
}

/** Shaped like a data center: 100 networks, each VM on one, each volume on its VM. */
function layered(): Action[] {
  const nets = Array.from({ length: 100 }, (_, i) => act(`net${i}`, [], { kind: 'Network' }));
  const vms = Array.from({ length: (N - 100) / 2 }, (_, i) => act(`vm${i}`, [`net${i % 100}`], { placement: { host: `h${i % 50}` } }));
  const vols = vms.map((vm, i) => act(`vol${i}`, [vm.id], { kind: 'Volume' }));
  return [...nets, ...vms, ...vols];
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-throughput-'));
afterAll(async () => {
  await closeJournals();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('executor throughput (printed, not asserted)', () => {
  for (const [shape, build] of [['independent', independent], ['layered', layered]] as const) {
    it(`${N} ${shape} actions, zero latency, no journal`, async () => {
      const plan = build();
      const report = await executePlan(plan, new FakeProvider(), { concurrency: 16, perHostConcurrency: 4 });
      expect(report.succeeded).toHaveLength(N);
      console.log(`executor: ${N} ${shape} actions in ${report.durationMs.toFixed(0)} ms = ${report.actionsPerSecond.toFixed(0)} actions/s (no journal)`);
    });

    for (const durability of ['commit', 'process'] as const) {
      it(`${N} ${shape} actions, zero latency, lmdb journal (durability ${durability})`, async () => {
        const plan = build();
        const journal = openJournal(path.join(dir, durability), { durability });
        const report = await executePlan(plan, new FakeProvider(), { concurrency: 16, perHostConcurrency: 4, journal });
        expect(report.succeeded).toHaveLength(N);
        expect(journal.incompleteIntents()).toEqual([]);
        console.log(`executor: ${N} ${shape} actions in ${report.durationMs.toFixed(0)} ms = ${report.actionsPerSecond.toFixed(0)} actions/s (lmdb journal, ${durability})`);
      });
    }
  }
});
