import path from 'node:path';
import { closeDesiredStateCaches, defaultStateDir, loadDesiredState } from '../../desired-state/load.js';
import { createProvider } from '../../providers/provider-router.js';
import type { Command } from '../cli/command.js';
import { ExitCode } from '../cli/exit-codes.js';
import { UsageError } from '../cli/parse-command-line.js';
import { printInvalidRevision } from '../planning/print-invalid-revision.js';
import { closeJournals, openJournal } from '../state/journal.js';
import { DriftPolicies, DRIFT_POLICY_ANNOTATION } from '../run/drift-policy.js';
import { indexWorlds, scanDrift } from '../run/drift-scan.js';
import { DriftStore } from '../run/drift-store.js';
import { renderDriftMarkdown, renderDriftText, type DriftReport } from '../run/render-drift.js';

export const driftCommand: Command = {
  path: ['drift'],
  summary: 'one shot: what differs between the last good revision and the world, and the unmanaged objects',
  usage: 'drift [--repo DIR] [--rev REV] [--json | --markdown] [--drift-policy KIND=POLICY]...',
  details: `Loads the last good revision (the one 'cairn run' enforces: the last that loaded valid, else the last
applied, else the branch's HEAD; --rev to choose), observes the world, and prints every managed field
whose value in the world differs from git (desired vs observed, secrets redacted), with the policy that
applies (annotation ${DRIFT_POLICY_ANNOTATION}, else --drift-policy, else correct) and when the controller first
saw it, then the objects in the world without cairn's identity. Changes nothing.
Exit 0: no drift; 2: drift; 1: the revision is invalid.`,
  options: [
    { name: 'repo', type: 'string', value: 'DIR', description: 'the data-center repository', default: '.' },
    { name: 'rev', type: 'string', value: 'REV', description: 'compare this revision instead of the last good one' },
    { name: 'state-dir', type: 'string', value: 'DIR', description: 'state folder (default <repo>/.cairn, or $CAIRN_STATE_DIR)' },
    { name: 'json', type: 'boolean', description: 'print {"revision","items":[{kind,name,account,fields:[{path,desired,observed}],policy,firstSeenAt}],"unmanaged":[{kind,name,account,externalId}]}' },
    { name: 'markdown', type: 'boolean', description: 'print a markdown report (for an issue or a chat)' },
    { name: 'drift-policy', type: 'string', multiple: true, value: 'KIND=POLICY', description: 'drift policy of a kind, as cairn run takes it; repeatable' },
  ],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"; the repository is given with --repo DIR`);
    if (args.values.json && args.values.markdown) throw new UsageError('--json and --markdown exclude each other');
    let policies: DriftPolicies;
    try {
      policies = DriftPolicies.parse((args.values['drift-policy'] as string[] | undefined) ?? []);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const repo = path.resolve(io.cwd, String(args.values.repo ?? '.'));
    const stateDir = args.values['state-dir'] === undefined ? defaultStateDir(repo) : path.resolve(io.cwd, String(args.values['state-dir']));
    const store = new DriftStore(stateDir);
    try {
      const rev = args.values.rev !== undefined ? String(args.values.rev) : (store.lastGoodRevision() ?? openJournal(stateDir).appliedRevision() ?? 'HEAD');
      const load = await loadDesiredState({ repo, rev, stateDir });
      if (!load.valid) {
        printInvalidRevision(load, 'drift', io);
        return ExitCode.invalid;
      }
      const provider = createProvider({ stateDir });
      const observed = await provider.observe({}, new AbortController().signal);
      const scan = scanDrift(indexWorlds(load.model, observed));
      const report: DriftReport = {
        revision: load.model.revision,
        items: scan.differences.map((d) => ({
          kind: d.kind, name: d.name, account: d.owner ?? null, fields: d.fields,
          policy: policies.of(d.kind, d.desired),
          firstSeenAt: store.get(d.key)?.correctedAt === null ? store.get(d.key)!.firstSeenAt : null,
        })),
        unmanaged: scan.unmanaged.map((o) => ({ kind: o.kind, name: o.name, account: o.owner ?? null, externalId: o.externalId })),
      };
      if (args.values.json) io.stdout.write(`${JSON.stringify(report)}\n`);
      else if (args.values.markdown) io.stdout.write(renderDriftMarkdown(report));
      else io.stdout.write(renderDriftText(report));
      return report.items.length > 0 ? ExitCode.changes : ExitCode.ok;
    } finally {
      await store.close();
      await closeJournals();
      await closeDesiredStateCaches();
    }
  },
};
