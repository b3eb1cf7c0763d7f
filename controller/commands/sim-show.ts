import { KINDS, type Kind } from '../../desired-state/model.js';
import { closestName } from '../../desired-state/validate/closest-name.js';
import { summarizeStatus } from '../../providers/simulator/describe-object.js';
import { downHosts, NO_FAULTS, readFaults, type SimFaults } from '../../providers/simulator/faults.js';
import { settleOverdue } from '../../providers/simulator/transitions.js';
import { simulatorWorldExists } from '../../providers/simulator/world-store.js';
import { viewWorld, type ViewedObject } from '../../providers/simulator/world-view.js';
import type { Command } from '../cli/command.js';
import { ExitCode } from '../cli/exit-codes.js';
import { UsageError } from '../cli/parse-command-line.js';
import { objectJson, openWorldFor, ownerFromFlags, ownerOptions, simStateDir, simWorldOptions } from './sim-world-options.js';

/** A kind as typed: exact, or in any case (`virtualmachine`); else a usage error with a suggestion. */
export function parseKind(word: string): Kind {
  const exact = KINDS.find((k) => k === word) ?? KINDS.find((k) => k.toLowerCase() === word.toLowerCase());
  if (exact) return exact;
  const guess = closestName(word, KINDS);
  throw new UsageError(`unknown kind "${word}"${guess ? `; did you mean ${guess}?` : ''} (kinds: ${KINDS.join(', ')})`);
}

export function describeFaults(f: SimFaults, down: string[]): string {
  const rates = f.errorRate + f.timeoutRate + f.permanentErrorRate > 0 ? `error rate ${f.errorRate}, timeout rate ${f.timeoutRate}, permanent error rate ${f.permanentErrorRate}` : '';
  const hosts = down.length > 0 ? `hosts down: ${down.join(', ')}` : '';
  return [rates, hosts].filter(Boolean).join('; ') || 'none';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

export const simShowCommand: Command = {
  path: ['sim', 'show'],
  summary: 'print the simulated world: every object, managed or foreign, with its state (secrets redacted)',
  usage: 'sim show [--kind K]... [--account A | --project P] [--json] [--repo DIR] [--state-dir DIR]',
  details: `The world the simulator provider keeps in <state-dir>/simulator.lmdb: what cairn created (managed),
what it orphaned or never made (foreign), hosts with their capacity in use, VMs with host, addresses and
MAC, networks with VLAN, volumes with storage and attachment. Faults in force are listed at the end.
--json prints {"stateDir","faults","hostsDown","objects":[{externalId,kind,name,owner,managed,spec,status}]}.
Exit 0; 64 for a usage error.`,
  options: [
    { name: 'kind', type: 'string', value: 'K', multiple: true, description: 'only objects of this kind (repeatable)' },
    ...ownerOptions,
    { name: 'json', type: 'boolean', description: 'print the world as JSON' },
    ...simWorldOptions,
  ],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    const kinds = ((args.values.kind as string[] | undefined) ?? []).map(parseKind);
    const owner = ownerFromFlags(args);
    const stateDir = simStateDir(args, io);
    let objects: ViewedObject[] = [];
    let faults = NO_FAULTS;
    let down: string[] = [];
    if (simulatorWorldExists(stateDir)) {
      const world = openWorldFor('sim show', stateDir, io, true);
      if (typeof world === 'number') return world;
      await settleOverdue(world);
      objects = [...viewWorld(world, kinds.length > 0 ? kinds : undefined)].filter((v) => owner === undefined || v.object.owner === owner);
      faults = readFaults(world);
      down = downHosts(world);
    }
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify({ stateDir, faults, hostsDown: down, objects: objects.map((v) => objectJson(v.object, v.status)) })}\n`);
      return ExitCode.ok;
    }
    if (objects.length === 0) {
      io.stdout.write(simulatorWorldExists(stateDir) ? `no objects${kinds.length || owner ? ' match' : ''} in the simulated world (${stateDir})\n` : `the simulated world is empty: nothing was ever applied with the simulator in ${stateDir}\n`);
    } else {
      const sorted = [...objects].sort((a, b) => KINDS.indexOf(a.object.kind) - KINDS.indexOf(b.object.kind) || a.object.owner.localeCompare(b.object.owner) || a.object.name.localeCompare(b.object.name));
      const rows = [['KIND', 'OWNER', 'NAME', 'ID', 'MANAGED', 'STATUS']];
      for (const { object: o, status } of sorted) rows.push([o.kind, o.owner || '-', o.name, o.externalId, o.identity ? 'yes' : 'no', summarizeStatus(o, status)]);
      io.stdout.write(`${table(rows)}\n`);
      const managed = objects.filter((v) => v.object.identity).length;
      io.stdout.write(`\n${objects.length} object${objects.length === 1 ? '' : 's'} (${managed} managed, ${objects.length - managed} foreign or orphaned)\n`);
    }
    io.stdout.write(`faults: ${describeFaults(faults, down)}\n`);
    return ExitCode.ok;
  },
};
