import { renderPlanText } from '../../reconcilers/render-plan.js';
import type { Command } from '../cli/command.js';
import { ExitCode } from '../cli/exit-codes.js';
import { UsageError } from '../cli/parse-command-line.js';
import { createProgress, renderReport, type ProgressMode } from '../progress/progress.js';
import { runApply } from '../planning/apply-run.js';
import { confirmOnTerminal } from '../planning/confirm.js';
import { makePlan } from '../planning/make-plan.js';
import { verifyConverged } from '../planning/verify-converged.js';
import { planOptions, planOptionsFrom } from '../planning/plan-options.js';
import { printInvalidRevision } from '../planning/print-invalid-revision.js';
import { openJournal } from '../state/journal.js';

export const applyCommand: Command = {
  path: ['apply'],
  summary: 'make the world match the revision: show the plan, ask, apply it with progress, report',
  usage: 'apply [--repo DIR] [--rev REV | --worktree] [--auto-approve] [--log-format text|json]',
  details: `Plans as 'cairn plan' does, asks for confirmation on a terminal (--auto-approve is required when
stdin is not a terminal), then applies: independent actions in parallel, dependencies first, transient
provider errors retried with backoff, a failure stopping only what depends on it. Every action's intent
is journaled before the call and its outcome after, so an interrupted apply (even killed) is safe to
run again: it re-observes and converges without creating anything twice.
Exit 0: applied (or nothing to do); 1: invalid revision, unappliable plan, or some actions failed.`,
  options: [
    ...planOptions,
    { name: 'auto-approve', type: 'boolean', description: 'apply without asking (required when not on a terminal)' },
    { name: 'log-format', type: 'string', value: 'FORMAT', description: 'text (default: a live line on a terminal, a line per action otherwise) or json (pino)' },
    { name: 'concurrency', type: 'string', value: 'N', description: 'provider calls at once (default 16)' },
    { name: 'per-host-concurrency', type: 'string', value: 'N', description: 'provider calls at once per hypervisor host (default 4)' },
  ],
  async run(args, io) {
    const opts = planOptionsFrom(args, io);
    const logFormat = String(args.values['log-format'] ?? 'text');
    if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError(`--log-format must be text or json (got ${JSON.stringify(logFormat)})`);
    const concurrency = positiveInt(args.values.concurrency, 'concurrency');
    const perHostConcurrency = positiveInt(args.values['per-host-concurrency'], 'per-host-concurrency');
    const stdin = process.stdin as NodeJS.ReadStream;
    if (!args.values['auto-approve'] && !stdin.isTTY) {
      throw new UsageError('stdin is not a terminal, so there is nobody to ask: pass --auto-approve to apply without confirmation');
    }

    const planned = await makePlan({ ...opts, reuseUnchanged: true });
    if (!planned.ok) {
      printInvalidRevision(planned.load, 'apply', io);
      return ExitCode.invalid;
    }
    const { plan, provider, stateDir } = planned;
    const color = (io.stdout as NodeJS.WriteStream).isTTY === true && !io.env.NO_COLOR;
    io.stdout.write(renderPlanText(plan, { color, maxActions: 200 }));
    if (plan.errors.length > 0) {
      io.stderr.write('cairn apply: the plan cannot be applied (see the errors above); nothing was changed\n');
      return ExitCode.invalid;
    }
    const journal = openJournal(stateDir);
    if (plan.actions.length === 0) {
      await journal.setAppliedRevision(plan.revision);
      return ExitCode.ok;
    }
    if (!args.values['auto-approve'] && !(await confirmOnTerminal(`\nApply these ${plan.actions.length} actions?`, stdin, io.stdout))) {
      io.stdout.write('Apply cancelled; nothing was changed.\n');
      return ExitCode.ok;
    }

    const abort = new AbortController();
    const stop = (signal: NodeJS.Signals) => {
      io.stderr.write(`\ncairn apply: ${signal}: finishing the calls in flight, starting nothing new\n`);
      abort.abort(new Error(signal));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const progress = createProgress({
        total: plan.actions.length,
        mode: logFormat === 'json' ? 'json' : ((io.stderr as NodeJS.WriteStream).isTTY ? 'tty' : 'plain') as ProgressMode,
        stream: io.stderr,
      });
      const { report, ok } = await runApply(plan, planned.observed, provider, {
        journal,
        events: progress,
        signal: abort.signal,
        concurrency,
        perHostConcurrency,
        onRecovered: (message) => io.stderr.write(`${message}\n`),
      });
      progress.stop();
      io.stdout.write(renderReport(report, { actions: plan.actions }));
      if (ok && !abort.signal.aborted) {
        const { plan: after } = await verifyConverged(planned.load.model, provider, stateDir, abort.signal);
        if (after.actions.length > 0 || after.errors.length > 0) {
          io.stderr.write(`cairn apply: after the apply the world still differs from the revision (${after.actions.length} action${after.actions.length === 1 ? '' : 's'}${after.errors.length > 0 ? `, ${after.errors.length} plan error${after.errors.length === 1 ? '' : 's'}` : ''}): it changed meanwhile, or cairn cannot converge it; cairn plan shows what\n`);
        }
      }
      return ok ? ExitCode.ok : ExitCode.invalid;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};

function positiveInt(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} must be a positive integer (got ${JSON.stringify(v)})`);
  return n;
}
