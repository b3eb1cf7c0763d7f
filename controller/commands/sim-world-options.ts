import fs from 'node:fs';
import path from 'node:path';
import { defaultStateDir } from '../../desired-state/load.js';
import { redactSecrets } from '../../providers/simulator/redact-secrets.js';
import type { SimObject } from '../../providers/simulator/sim-object.js';
import { openSimulatorWorld, simulatorWorldExists, type SimulatorWorld } from '../../providers/simulator/world-store.js';
import type { CommandIO, CommandOption, ParsedArgs } from '../cli/command.js';
import { ExitCode } from '../cli/exit-codes.js';
import { UsageError } from '../cli/parse-command-line.js';

/** What every `cairn sim` command takes: where the world lives. */
export const simWorldOptions: CommandOption[] = [
  { name: 'repo', type: 'string', value: 'DIR', description: 'the data-center repository whose state folder holds the simulated world', default: '.' },
  { name: 'state-dir', type: 'string', value: 'DIR', description: 'state folder (default <repo>/.cairn, or $CAIRN_STATE_DIR)' },
];

/** The state folder: --state-dir, else $CAIRN_STATE_DIR, else <repo>/.cairn (the same folder plan and apply use). */
export function simStateDir(args: ParsedArgs, io: CommandIO): string {
  if (typeof args.values['state-dir'] === 'string') return path.resolve(io.cwd, args.values['state-dir']);
  const repo = path.resolve(io.cwd, String(args.values.repo ?? '.'));
  if (!fs.existsSync(repo)) throw new UsageError(`--repo ${repo}: no such directory`);
  if (io.env.CAIRN_STATE_DIR) return path.resolve(io.cwd, io.env.CAIRN_STATE_DIR);
  return defaultStateDir(repo);
}

/**
 * Opens the world, or says why not. With `mustExist`, a state folder where the simulator never ran
 * is reported rather than silently given an empty world (a typo in --repo must not create one).
 */
export function openWorldFor(command: string, stateDir: string, io: CommandIO, mustExist: boolean): SimulatorWorld | number {
  if (mustExist && !simulatorWorldExists(stateDir)) {
    io.stderr.write(`cairn ${command}: the simulated world is empty: nothing was ever applied with the simulator in ${stateDir} (run 'cairn apply' first, or give --repo / --state-dir)\n`);
    return ExitCode.invalid;
  }
  try {
    return openSimulatorWorld(stateDir);
  } catch (err) {
    io.stderr.write(`cairn ${command}: cannot open the simulated world in ${stateDir}: ${(err as Error).message}\n`);
    return ExitCode.io;
  }
}

/** An object as `--json` prints it: secrets redacted, the simulator's bookkeeping left out. */
export function objectJson(o: SimObject, status: Record<string, unknown> = o.status): Record<string, unknown> {
  return {
    externalId: o.externalId,
    kind: o.kind,
    name: o.name,
    owner: o.owner || null,
    managed: o.identity !== undefined,
    spec: redactSecrets(o.kind, o.spec),
    status,
  };
}

/** `--account A` / `--project P` as an owner key; both at once is a usage error. */
export function ownerFromFlags(args: ParsedArgs): string | undefined {
  const account = args.values.account;
  const project = args.values.project;
  if (typeof account === 'string' && typeof project === 'string') throw new UsageError('--account and --project exclude each other: an object has one owner');
  if (typeof account === 'string') return `account:${account}`;
  if (typeof project === 'string') return `project:${project}`;
  return undefined;
}

export const ownerOptions: CommandOption[] = [
  { name: 'account', type: 'string', value: 'A', description: 'the owning account, when names repeat across tenants' },
  { name: 'project', type: 'string', value: 'P', description: 'the owning project, when names repeat across tenants' },
];
