import fs from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { defaultStateDir } from '../../desired-state/load.js';
import type { Command } from '../cli/command.js';
import { ExitCode } from '../cli/exit-codes.js';
import { UsageError } from '../cli/parse-command-line.js';
import { isLoopbackHost, parseListenAddress } from '../http/listen-address.js';
import { startStatusServer } from '../http/status-server.js';
import { createControllerMetrics } from '../metrics/controller-metrics.js';
import { Controller } from '../run/controller.js';
import { createControllerLogger } from '../run/controller-logger.js';
import { DriftPolicies, DRIFT_POLICY_ANNOTATION } from '../run/drift-policy.js';
import { parseDuration } from '../run/duration.js';

export const runCommand: Command = {
  path: ['run'],
  summary: 'the controller: watch a branch, apply every valid commit, correct drift, serve the status API',
  usage: 'run [--repo DIR] [--branch main] [--listen 127.0.0.1:7070] [--resync 60s] [--token-file F] [--webhook-secret-file F] [--drift-policy KIND=POLICY]... [--log-format text|json]',
  details: `Runs until SIGTERM or SIGINT. Each new commit on the branch (seen through the ref files, a poll, or
POST /hooks/git) is loaded incrementally and validated; a valid one is planned for what it changed and
applied, an invalid one is rejected whole (GET /api/v1/status shows its errors) while the last good
revision stays enforced. Every --resync the world is observed again: a managed field that differs from
git is drift, recorded with when it was first and last seen, and corrected (policy correct, the default)
or only reported (policy report). A resource chooses with the annotation ${DRIFT_POLICY_ANNOTATION}: report|correct,
a kind with --drift-policy KIND=report. Objects without cairn's identity are listed, never touched.
On SIGTERM/SIGINT: nothing new is started, actions in flight may finish for --shutdown-timeout, the rest
is left to the journal, exit 0. A restart resumes from the journal and the last applied revision.
The API (bound to loopback unless --listen-any): GET /healthz /readyz /api/v1/status /api/v1/resources
/api/v1/drift /api/v1/events (server-sent events) /metrics; POST /api/v1/reconcile (Authorization: Bearer
TOKEN, from --token-file or $CAIRN_API_TOKEN) and POST /hooks/git (X-Hub-Signature-256 HMAC with the
secret from --webhook-secret-file or $CAIRN_WEBHOOK_SECRET). The bound address is printed on stdout as
"listening on http://HOST:PORT".`,
  options: [
    { name: 'repo', type: 'string', value: 'DIR', description: 'the data-center repository (a working copy or a bare repository)', default: '.' },
    { name: 'branch', type: 'string', value: 'NAME', description: 'the branch to follow', default: 'main' },
    { name: 'remote', type: 'string', value: 'URL', description: 'fetch the branch from this git URL (isomorphic-git, http/https) into --repo before each look' },
    { name: 'listen', type: 'string', value: 'HOST:PORT', description: 'address of the status API; port 0 picks a free one', default: '127.0.0.1:7070' },
    { name: 'listen-any', type: 'boolean', description: 'allow --listen on a non-loopback address (the API then shows the data center to that network)' },
    { name: 'resync', type: 'string', value: 'DURATION', description: 're-observe the world and check for drift this often (500ms, 30s, 5m)', default: '60s' },
    { name: 'poll', type: 'string', value: 'DURATION', description: 'look at the branch this often even without a file event or a webhook', default: '5s' },
    { name: 'shutdown-timeout', type: 'string', value: 'DURATION', description: 'on SIGTERM, how long actions in flight may take to finish', default: '30s' },
    { name: 'token-file', type: 'string', value: 'FILE', description: 'bearer token for POST /api/v1/reconcile (default $CAIRN_API_TOKEN; without either the endpoint is disabled)' },
    { name: 'webhook-secret-file', type: 'string', value: 'FILE', description: 'HMAC secret for POST /hooks/git (default $CAIRN_WEBHOOK_SECRET; without either the endpoint is disabled)' },
    { name: 'drift-policy', type: 'string', multiple: true, value: 'KIND=POLICY', description: 'drift policy of a kind: correct (default) or report; repeatable' },
    { name: 'state-dir', type: 'string', value: 'DIR', description: 'state folder: cache, journal, drift records, simulated world (default <repo>/.cairn, or $CAIRN_STATE_DIR)' },
    { name: 'rate-limit', type: 'string', value: 'N', description: 'at most N provider calls per second across all work; 0 for no limit', default: '500' },
    { name: 'concurrency', type: 'string', value: 'N', description: 'provider calls at once (default 16)' },
    { name: 'allow-mass-delete', type: 'boolean', description: 'allow a commit that deletes more than --max-delete-fraction of the managed resources' },
    { name: 'max-delete-fraction', type: 'string', value: 'F', description: 'largest share of managed resources one plan may delete (default 0.1)' },
    { name: 'log-format', type: 'string', value: 'FORMAT', description: 'text (one line per event) or json (pino)', default: 'text' },
  ],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"; the repository is given with --repo DIR`);
    const v = args.values;
    const repo = path.resolve(io.cwd, String(v.repo ?? '.'));
    const logFormat = String(v['log-format'] ?? 'text');
    if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError(`--log-format must be text or json (got ${JSON.stringify(logFormat)})`);
    const listen = String(v.listen ?? '127.0.0.1:7070');
    let host: string;
    try {
      host = parseListenAddress(listen).host;
    } catch (error) {
      throw new UsageError(`--listen: ${(error as Error).message}`);
    }
    if (!isLoopbackHost(host) && v['listen-any'] !== true) {
      throw new UsageError(`--listen ${listen} is not a loopback address: the API shows the whole data center; add --listen-any to mean it`);
    }
    const duration = (flag: string, fallback: string) => {
      try {
        return parseDuration(String(v[flag] ?? fallback), `--${flag}`);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    };
    const resyncMs = duration('resync', '60s');
    const pollMs = duration('poll', '5s');
    const shutdownTimeoutMs = duration('shutdown-timeout', '30s');
    let driftPolicies: DriftPolicies;
    try {
      driftPolicies = DriftPolicies.parse((v['drift-policy'] as string[] | undefined) ?? []);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const rate = count(v['rate-limit'] ?? '500', 'rate-limit', 0);
    const concurrency = v.concurrency === undefined ? undefined : count(v.concurrency, 'concurrency', 1);
    const fraction = v['max-delete-fraction'] === undefined ? undefined : Number(v['max-delete-fraction']);
    if (fraction !== undefined && !(fraction >= 0 && fraction <= 1)) throw new UsageError(`--max-delete-fraction must be a number between 0 and 1 (got ${JSON.stringify(v['max-delete-fraction'])})`);
    const token = secretFrom(v['token-file'], io.env.CAIRN_API_TOKEN, '--token-file', io.cwd);
    const webhookSecret = secretFrom(v['webhook-secret-file'], io.env.CAIRN_WEBHOOK_SECRET, '--webhook-secret-file', io.cwd);
    const stateDir = v['state-dir'] === undefined ? defaultStateDir(repo) : path.resolve(io.cwd, String(v['state-dir']));

    const logger = createControllerLogger(logFormat, io.stderr);
    const registry = new Registry();
    const metrics = createControllerMetrics(registry);
    const controller = new Controller({
      repo, branch: String(v.branch ?? 'main'), stateDir, resyncMs, pollMs, shutdownTimeoutMs, driftPolicies, logger, metrics,
      ...(v.remote !== undefined ? { remote: String(v.remote) } : {}),
      ...(rate > 0 ? { rateLimit: { intervalCap: rate, intervalMs: 1000 } } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      plan: { allowMassDelete: v['allow-mass-delete'] === true, ...(fraction !== undefined ? { maxDeleteFraction: fraction } : {}) },
    });

    // Signals first: a SIGTERM during the first observe still shuts down cleanly.
    let stopRequested: (signal: string) => void = () => undefined;
    const stopped = new Promise<string>((resolve) => (stopRequested = resolve));
    const onSignal = (signal: NodeJS.Signals) => stopRequested(signal);
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    let server: Awaited<ReturnType<typeof startStatusServer>> | undefined;
    try {
      // The API first: /healthz answers and /readyz says "not yet" while the first observe runs.
      server = await startStatusServer({
        view: controller, registry, listen, logger, allowNonLoopback: v['listen-any'] === true,
        ...(token ? { token } : {}), ...(webhookSecret ? { webhookSecret } : {}),
      });
      io.stdout.write(`listening on ${server.url}\n`);
      if (!token) logger.warn('POST /api/v1/reconcile is disabled: no --token-file and no CAIRN_API_TOKEN');
      if (!webhookSecret) logger.info('POST /hooks/git is disabled: no --webhook-secret-file and no CAIRN_WEBHOOK_SECRET (the ref files and the poll still pick commits up)');
      const starting = controller.start();
      const first = await Promise.race([starting.then(() => 'started'), stopped]);
      if (first !== 'started') {
        logger.info({ signal: first }, 'signal during start-up: stopping');
        await starting.catch(() => undefined);
      } else {
        const signal = await stopped;
        logger.info({ signal, deadlineMs: shutdownTimeoutMs }, 'shutting down: no new work, letting actions in flight finish');
      }
      await controller.stop();
      await server.close();
      return ExitCode.ok;
    } catch (error) {
      await controller.stop().catch(() => undefined);
      await server?.close().catch(() => undefined);
      throw error;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
  },
};

function count(v: unknown, flag: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer of at least ${min} (got ${JSON.stringify(v)})`);
  return n;
}

/** A secret from a file (trailing newline dropped) or the environment; the file wins. */
function secretFrom(file: unknown, env: string | undefined, flag: string, cwd: string): string | undefined {
  if (file !== undefined) {
    const text = fs.readFileSync(path.resolve(cwd, String(file)), 'utf8').trim();
    if (text === '') throw new UsageError(`${flag} ${String(file)} is empty`);
    return text;
  }
  return env?.trim() || undefined;
}
