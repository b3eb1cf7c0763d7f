import path from 'node:path';
import type { CommandIO, CommandOption, ParsedArgs } from '../cli/command.js';
import { UsageError } from '../cli/parse-command-line.js';
import type { MakePlanOptions } from './make-plan.js';

/** The flags plan, apply and status share. */
export const planOptions: CommandOption[] = [
  { name: 'repo', type: 'string', value: 'DIR', description: 'the data-center repository', default: '.' },
  { name: 'rev', type: 'string', value: 'REV', description: 'ref, commit id or REV~n to plan from (default: HEAD)' },
  { name: 'worktree', type: 'boolean', description: 'plan from the uncommitted files of the working tree' },
  { name: 'state-dir', type: 'string', value: 'DIR', description: 'state folder: cache, journal, simulated world (default <repo>/.cairn, or $CAIRN_STATE_DIR)' },
  { name: 'allow-mass-delete', type: 'boolean', description: 'allow a plan that deletes more than --max-delete-fraction of the managed resources' },
  { name: 'max-delete-fraction', type: 'string', value: 'F', description: 'largest share of managed resources a plan may delete (default 0.1)' },
];

export function planOptionsFrom(args: ParsedArgs, io: CommandIO): MakePlanOptions {
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"; the repository is given with --repo DIR`);
  if (args.values.worktree && args.values.rev !== undefined) throw new UsageError('--rev and --worktree exclude each other');
  const fraction = args.values['max-delete-fraction'];
  let maxDeleteFraction: number | undefined;
  if (fraction !== undefined) {
    maxDeleteFraction = Number(fraction);
    if (!Number.isFinite(maxDeleteFraction) || maxDeleteFraction < 0 || maxDeleteFraction > 1) throw new UsageError(`--max-delete-fraction must be a number between 0 and 1 (got ${JSON.stringify(fraction)})`);
  }
  const stateDir = args.values['state-dir'];
  return {
    repo: path.resolve(io.cwd, String(args.values.repo ?? '.')),
    rev: args.values.worktree ? undefined : String(args.values.rev ?? 'HEAD'),
    worktree: args.values.worktree === true,
    stateDir: stateDir === undefined ? undefined : path.resolve(io.cwd, String(stateDir)),
    allowMassDelete: args.values['allow-mass-delete'] === true,
    maxDeleteFraction,
  };
}
