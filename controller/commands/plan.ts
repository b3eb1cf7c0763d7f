import { renderPlanJson, renderPlanMarkdown, renderPlanText } from '../../reconcilers/render-plan.js';
import type { Command } from '../cli/command.js';
import { ExitCode } from '../cli/exit-codes.js';
import { UsageError } from '../cli/parse-command-line.js';
import { makePlan } from '../planning/make-plan.js';
import { planOptions, planOptionsFrom } from '../planning/plan-options.js';
import { printInvalidRevision } from '../planning/print-invalid-revision.js';

export const planCommand: Command = {
  path: ['plan'],
  summary: 'what apply would do: the revision against the observed world (+ create, ~ update, -/+ replace, - delete, ! orphan)',
  usage: 'plan [--repo DIR] [--rev REV | --worktree] [--json | --format text|json|markdown]',
  details: `Loads and validates the revision, observes the world (the embedded simulator) and prints the plan.
Exit 0: no changes; 2: changes present; 1: the revision is invalid or the plan cannot be applied
(a VM that fits no host, a quota exceeded, a mass deletion without --allow-mass-delete).`,
  options: [
    ...planOptions,
    { name: 'json', type: 'boolean', description: 'print the plan as JSON (same as --format json)' },
    { name: 'format', type: 'string', value: 'FORMAT', description: 'text (default), json or markdown (for a pull-request comment)' },
  ],
  async run(args, io) {
    const opts = planOptionsFrom(args, io);
    const format = args.values.json ? 'json' : String(args.values.format ?? 'text');
    if (!['text', 'json', 'markdown'].includes(format)) throw new UsageError(`--format must be text, json or markdown (got ${JSON.stringify(format)})`);
    // An unchanged revision against an unchanged world (the provider's change token): the remembered empty plan.
    const planned = await makePlan({ ...opts, reuseUnchanged: true });
    if (!planned.ok) {
      printInvalidRevision(planned.load, 'plan', io);
      return ExitCode.invalid;
    }
    const { plan } = planned;
    const color = format === 'text' && (io.stdout as NodeJS.WriteStream).isTTY === true && !io.env.NO_COLOR;
    io.stdout.write(format === 'json' ? `${renderPlanJson(plan)}\n` : format === 'markdown' ? renderPlanMarkdown(plan) : renderPlanText(plan, { color }));
    if (plan.errors.length > 0) return ExitCode.invalid;
    return plan.actions.length > 0 ? ExitCode.changes : ExitCode.ok;
  },
};
