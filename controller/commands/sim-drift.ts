import { closestName } from '../../desired-state/validate/closest-name.js';
import { PermanentError } from '../../providers/errors/permanent-error.js';
import { describeObject } from '../../providers/simulator/describe-object.js';
import { addForeignVm, deleteFirewallRule, deleteVm, detachVolume, stopVm, type DriftOutcome, type DriftTarget } from '../../providers/simulator/drift.js';
import { SimulatorTargetError } from '../../providers/simulator/errors/simulator-target-error.js';
import type { SimulatorWorld } from '../../providers/simulator/world-store.js';
import type { Command } from '../cli/command.js';
import { ExitCode } from '../cli/exit-codes.js';
import { UsageError } from '../cli/parse-command-line.js';
import { objectJson, openWorldFor, ownerFromFlags, ownerOptions, simStateDir, simWorldOptions } from './sim-world-options.js';

/** The same rule the schemas give resource names: a name that could never be in git is a typo. */
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

interface DriftVerb {
  run(world: SimulatorWorld, target: DriftTarget, hostAndOffering: { host?: string; serviceOffering?: string }): Promise<DriftOutcome>;
  done: string;
  unchanged: string;
}

const VERBS: Record<string, DriftVerb> = {
  'stop-vm': { run: (w, t) => stopVm(w, t), done: 'stopped', unchanged: 'was already Stopped; nothing changed' },
  'delete-vm': { run: (w, t) => deleteVm(w, t), done: 'destroyed and expunged', unchanged: '' },
  'detach-volume': { run: (w, t) => detachVolume(w, t), done: 'detached', unchanged: 'was not attached; nothing changed' },
  'delete-firewall-rule': { run: (w, t) => deleteFirewallRule(w, t), done: 'deleted', unchanged: '' },
  'add-foreign-vm': {
    run: async (w, t, extra) => ({ object: await addForeignVm(w, t.name, { ...(t.owner ? { owner: t.owner } : {}), ...extra }), changed: true }),
    done: 'added (not managed by cairn)',
    unchanged: '',
  },
};

export const simDriftCommand: Command = {
  path: ['sim', 'drift'],
  summary: 'change the simulated world behind cairn\'s back: stop or delete a VM, detach a volume, delete a rule, add a foreign VM',
  usage: 'sim drift stop-vm|delete-vm|detach-volume|delete-firewall-rule|add-foreign-vm NAME [--account A | --project P] [--host H] [--offering O] [--json] [--repo DIR] [--state-dir DIR]',
  details: `As an operator clicking in CloudStack's UI would: the change ignores cairn's ownership and takes effect at
once. 'cairn plan' then shows what it takes to put the world back (or reports the foreign VM).
  stop-vm NAME               the VM stops; its host capacity is given back
  delete-vm NAME             the VM is destroyed and expunged; its DATA volumes are detached and kept
  detach-volume NAME         the DATA volume is detached from its VM
  delete-firewall-rule NAME  the firewall rule is deleted
  add-foreign-vm NAME        a running VM without cairn's identity, on --host (default: the first with room),
                             sized by --offering (default: the smallest service offering)
--account / --project pick the owner when a name repeats across tenants (and own the foreign VM).
Exit 0; 1 when the object does not exist, is ambiguous, or no host has room; 64 for a usage error.`,
  options: [
    ...ownerOptions,
    { name: 'host', type: 'string', value: 'H', description: 'add-foreign-vm: the host to run on' },
    { name: 'offering', type: 'string', value: 'O', description: 'add-foreign-vm: the service offering giving its size' },
    { name: 'json', type: 'boolean', description: 'print {"action","changed","object"}' },
    ...simWorldOptions,
  ],
  async run(args, io) {
    const [verbWord, name, ...extra] = args.positionals;
    if (verbWord === undefined) throw new UsageError(`say what to change: one of ${Object.keys(VERBS).join(', ')}`);
    const verb = VERBS[verbWord];
    if (!verb) {
      const guess = closestName(verbWord, Object.keys(VERBS));
      throw new UsageError(`unknown drift "${verbWord}"${guess ? `; did you mean ${guess}?` : ''} (one of ${Object.keys(VERBS).join(', ')})`);
    }
    if (name === undefined) throw new UsageError(`${verbWord} needs the object's NAME`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (!NAME.test(name)) throw new UsageError(`"${name}" is not a resource name (letters, digits, '.', '_', '-'; at most 63)`);
    const foreign = verbWord === 'add-foreign-vm';
    for (const flag of ['host', 'offering']) {
      if (!foreign && args.values[flag] !== undefined) throw new UsageError(`--${flag} applies to add-foreign-vm only`);
    }
    const owner = ownerFromFlags(args);
    const stateDir = simStateDir(args, io);
    const world = openWorldFor('sim drift', stateDir, io, true);
    if (typeof world === 'number') return world;

    let outcome: DriftOutcome;
    try {
      outcome = await verb.run(world, { name, ...(owner ? { owner } : {}) }, {
        ...(typeof args.values.host === 'string' ? { host: args.values.host } : {}),
        ...(typeof args.values.offering === 'string' ? { serviceOffering: args.values.offering } : {}),
      });
    } catch (err) {
      if (!(err instanceof SimulatorTargetError || err instanceof PermanentError)) throw err;
      io.stderr.write(`cairn sim drift: ${err.message}\n`);
      return ExitCode.invalid;
    }
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify({ action: verbWord, changed: outcome.changed, object: objectJson(outcome.object) })}\n`);
    } else {
      io.stdout.write(`${describeObject(outcome.object)} ${outcome.changed ? verb.done : verb.unchanged}\n`);
    }
    return ExitCode.ok;
  },
};
