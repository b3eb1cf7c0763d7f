import path from 'node:path';
import { loadDesiredState } from '../../desired-state/load.js';
import type { Command } from '../cli/command.js';
import { ExitCode } from '../cli/exit-codes.js';
import { formatIssue } from '../cli/format-issues.js';
import { UsageError } from '../cli/parse-command-line.js';

export const validateCommand: Command = {
  path: ['validate'],
  summary: 'check a revision (schemas, references, addresses, capacity, limits); list every error with file:line:col',
  usage: 'validate [--repo DIR] [--rev REV | --worktree] [--json]',
  details: `Reads the revision straight from git (the working tree is not touched) unless --worktree is given.
Exit 0 when valid, 1 when invalid (every error is listed), 64 for a usage error or unknown revision,
74 when the repository cannot be read. Results are cached by git blob id in the state directory.`,
  options: [
    { name: 'repo', type: 'string', value: 'DIR', description: 'the data-center repository', default: '.' },
    // No `default` here: HEAD is applied in run(), so that `--rev` given with `--worktree` can be refused.
    { name: 'rev', type: 'string', value: 'REV', description: 'ref, commit id or REV~n to validate (default: HEAD)' },
    { name: 'worktree', type: 'boolean', description: 'validate the uncommitted files of the working tree instead of a revision' },
    { name: 'json', type: 'boolean', description: 'print {"valid","revision","errors":[{file,line,column,kind,name,rule,message}]}' },
    { name: 'state-dir', type: 'string', value: 'DIR', description: 'cache and state folder (default <repo>/.cairn, or $CAIRN_STATE_DIR)' },
    { name: 'no-cache', type: 'boolean', description: 'neither read nor write the cache' },
  ],
  async run(args, io) {
    if (args.positionals.length > 0) {
      throw new UsageError(`unexpected argument "${args.positionals[0]}"; the repository is given with --repo DIR`);
    }
    if (args.values.worktree === true && args.values.rev !== undefined) {
      throw new UsageError('--rev and --worktree exclude each other: --worktree reads the uncommitted files, --rev a commit');
    }
    const repo = path.resolve(io.cwd, String(args.values.repo));
    const stateDir = args.values['no-cache'] ? false : args.values['state-dir'] ? path.resolve(io.cwd, String(args.values['state-dir'])) : undefined;
    const result = await loadDesiredState({ repo, rev: String(args.values.rev ?? 'HEAD'), worktree: args.values.worktree === true, stateDir });
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify({ valid: result.valid, revision: result.model.revision, errors: result.errors })}\n`);
    } else {
      for (const e of result.errors) io.stdout.write(`${formatIssue(e)}\n`);
      const where = result.model.revision ? `revision ${result.model.revision.slice(0, 12)}` : 'working tree';
      const files = new Set(result.errors.map((e) => e.file)).size;
      io.stdout.write(
        result.valid
          ? `valid: ${result.stats.documents} resources in ${result.stats.files} files (${where})\n`
          : `invalid: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} (${where})\n`,
      );
    }
    return result.valid ? ExitCode.ok : ExitCode.invalid;
  },
};
