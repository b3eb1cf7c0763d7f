/**
 * Progress of an apply, fed by the executor's events (ExecutionEvents), in one of three forms:
 * - tty: one live line, redrawn at most every `redrawIntervalMs` (100 ms: ~10×/s, cheap however
 *   fast actions finish): a bar, done/total, failures, retries, rate and ETA; failures are printed
 *   above it as they happen.
 * - plain (not a terminal: CI logs, pipes): one line per finished action,
 *   `✓ create VirtualMachine acme/web-1 (12 ms)` / `✗ create VirtualMachine acme/web-1: message`.
 * - json (`--log-format json`): pino, one object per event with action, op, kind, name, owner,
 *   outcome, durationMs, attempts.
 * renderReport (render-report.ts) prints the end-of-apply summary in every text mode.
 */
import pino, { type Logger } from 'pino';
import type { Action, ActionResult } from '../../reconcilers/action.js';
import type { ClassifiedError } from '../executor/classify-error.js';
import type { ExecutionEvents } from '../executor/execution-events.js';
import type { FailedAction } from '../executor/execution-report.js';
import { actionLabel, formatDuration, formatRate } from './action-label.js';

export { renderReport, type RenderReportOptions } from './render-report.js';
export { actionLabel, resourceName, formatDuration, formatRate } from './action-label.js';

export type ProgressMode = 'tty' | 'plain' | 'json';

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Actions in the plan. */
  total: number;
  /** Default: 'tty' when the stream is a terminal, else 'plain'. */
  mode?: ProgressMode;
  /** Default process.stderr (stdout stays free for the report and --json). */
  stream?: ProgressStream;
  /** json mode: the logger to write to (a child carrying `revision`, say). Default: pino on `stream`. */
  logger?: Logger;
  /** plain mode: also print retries. */
  verbose?: boolean;
  /** Minimum time between two redraws of the live line, ms. Default 100. */
  redrawIntervalMs?: number;
  /** ms clock. Default performance.now. */
  now?: () => number;
  /** Text in front of the live line. Default "applying". */
  title?: string;
}

export interface ProgressCounts {
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  notStarted: number;
  retries: number;
}

/** ExecutionEvents to hand to executePlan, plus stop() once it returned. */
export interface ProgressReporter extends Required<ExecutionEvents> {
  readonly mode: ProgressMode;
  counts(): ProgressCounts;
  /** Final redraw and newline (tty); cancels the pending redraw. Call once executePlan returned. */
  stop(): void;
}

export function createProgress(options: ProgressOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const mode = options.mode ?? (stream.isTTY ? 'tty' : 'plain');
  if (mode === 'json') return new JsonProgress(options, stream);
  if (mode === 'tty') return new LiveLineProgress(options, stream);
  return new PlainProgress(options, stream);
}

abstract class BaseProgress implements ProgressReporter {
  abstract readonly mode: ProgressMode;
  protected readonly c: ProgressCounts;

  constructor(options: ProgressOptions, protected readonly stream: ProgressStream) {
    this.c = { total: options.total, succeeded: 0, failed: 0, skipped: 0, notStarted: 0, retries: 0 };
  }

  counts(): ProgressCounts {
    return { ...this.c };
  }

  onStart(_action: Action, _attempt: number, _op: Action['op']): void {}
  onRetry(_action: Action, _attempt: number, _delayMs: number, _error: ClassifiedError): void {
    this.c.retries++;
  }
  onSuccess(_action: Action, _result: ActionResult, _info: { durationMs: number; attempts: number }): void {
    this.c.succeeded++;
  }
  onFailure(_action: Action, _failure: FailedAction, _info: { durationMs: number }): void {
    this.c.failed++;
  }
  onSkip(_action: Action, _reason: string): void {
    this.c.skipped++;
  }
  onNotStarted(_action: Action): void {
    this.c.notStarted++;
  }
  stop(): void {}
}

class PlainProgress extends BaseProgress {
  readonly mode = 'plain' as const;
  private readonly verbose: boolean;

  constructor(options: ProgressOptions, stream: ProgressStream) {
    super(options, stream);
    this.verbose = options.verbose ?? false;
  }

  override onRetry(action: Action, attempt: number, delayMs: number, error: ClassifiedError): void {
    super.onRetry(action, attempt, delayMs, error);
    if (this.verbose) this.stream.write(`↻ ${actionLabel(action)}: attempt ${attempt} failed (${error.message}); retrying in ${formatDuration(delayMs)}\n`);
  }
  override onSuccess(action: Action, result: ActionResult, info: { durationMs: number; attempts: number }): void {
    super.onSuccess(action, result, info);
    this.stream.write(`✓ ${actionLabel(action)} (${formatDuration(info.durationMs)})\n`);
  }
  override onFailure(action: Action, failure: FailedAction, info: { durationMs: number }): void {
    super.onFailure(action, failure, info);
    this.stream.write(`✗ ${actionLabel(action)}: ${failure.error}\n`);
  }
  override onSkip(action: Action, reason: string): void {
    super.onSkip(action, reason);
    this.stream.write(`↷ ${actionLabel(action)} skipped: ${reason}\n`);
  }
}

class LiveLineProgress extends BaseProgress {
  readonly mode = 'tty' as const;
  private readonly interval: number;
  private readonly now: () => number;
  private readonly title: string;
  private readonly started: number;
  private lastDraw = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private lineShown = false;

  constructor(options: ProgressOptions, stream: ProgressStream) {
    super(options, stream);
    this.interval = options.redrawIntervalMs ?? 100;
    this.now = options.now ?? (() => performance.now());
    this.title = options.title ?? 'applying';
    this.started = this.now();
  }

  override onStart(action: Action, attempt: number, op: Action['op']): void {
    super.onStart(action, attempt, op);
    this.requestDraw();
  }
  override onRetry(action: Action, attempt: number, delayMs: number, error: ClassifiedError): void {
    super.onRetry(action, attempt, delayMs, error);
    this.requestDraw();
  }
  override onSuccess(action: Action, result: ActionResult, info: { durationMs: number; attempts: number }): void {
    super.onSuccess(action, result, info);
    this.requestDraw();
  }
  override onFailure(action: Action, failure: FailedAction, info: { durationMs: number }): void {
    super.onFailure(action, failure, info);
    // Failures stay on screen above the live line: they are what the operator must read.
    this.printAbove(`✗ ${actionLabel(action)}: ${failure.error}`);
  }
  override onSkip(action: Action, reason: string): void {
    super.onSkip(action, reason);
    this.requestDraw();
  }
  override onNotStarted(action: Action): void {
    super.onNotStarted(action);
    this.requestDraw();
  }

  override stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.draw();
    this.stream.write('\n');
  }

  /** The live line as it would be drawn now (exposed for tests). */
  line(): string {
    const c = this.c;
    const finished = c.succeeded + c.failed;
    const done = finished + c.skipped + c.notStarted;
    const elapsedS = (this.now() - this.started) / 1000;
    const rate = elapsedS > 0 ? finished / elapsedS : 0;
    const remaining = c.total - done;
    const parts = [`${this.title} ${bar(c.total > 0 ? done / c.total : 1, 20)} ${done}/${c.total}`];
    if (c.failed > 0) parts.push(`✗ ${c.failed} failed`);
    if (c.skipped > 0) parts.push(`↷ ${c.skipped} skipped`);
    if (c.retries > 0) parts.push(`↻ ${c.retries} retries`);
    parts.push(`${formatRate(rate)} actions/s`);
    if (remaining > 0) parts.push(`ETA ${rate > 0 ? formatDuration((remaining / rate) * 1000) : '…'}`);
    else parts.push(`in ${formatDuration(elapsedS * 1000)}`);
    const text = parts.join('  ');
    const width = this.stream.columns;
    return width && width > 1 && text.length > width - 1 ? text.slice(0, width - 1) : text;
  }

  private requestDraw(): void {
    if (this.stopped) return;
    const wait = this.lastDraw + this.interval - this.now();
    if (wait <= 0) {
      this.draw();
      return;
    }
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.stopped) this.draw();
      }, wait);
      // A pending redraw must not keep a finished CLI alive.
      this.timer.unref?.();
    }
  }

  private draw(): void {
    this.lastDraw = this.now();
    this.lineShown = true;
    this.stream.write(`\r\x1b[2K${this.line()}`);
  }

  private printAbove(text: string): void {
    this.stream.write(`${this.lineShown ? '\r\x1b[2K' : ''}${text}\n`);
    this.lineShown = false;
    if (!this.stopped) this.draw();
  }
}

class JsonProgress extends BaseProgress {
  readonly mode = 'json' as const;
  private readonly log: Logger;

  constructor(options: ProgressOptions, stream: ProgressStream) {
    super(options, stream);
    this.log = options.logger ?? pino({ base: null, timestamp: pino.stdTimeFunctions.isoTime }, stream as pino.DestinationStream);
  }

  override onStart(action: Action, attempt: number, op: Action['op']): void {
    super.onStart(action, attempt, op);
    this.log.debug({ ...fields(action), event: 'action.started', outcome: 'started', attempt, providerOp: op }, `started ${actionLabel(action)}`);
  }
  override onRetry(action: Action, attempt: number, delayMs: number, error: ClassifiedError): void {
    super.onRetry(action, attempt, delayMs, error);
    this.log.warn({
      ...fields(action), event: 'action.retry', outcome: 'retry', attempt, delayMs: round(delayMs),
      errorCode: error.code, error: error.message,
    }, `retrying ${actionLabel(action)}`);
  }
  override onSuccess(action: Action, result: ActionResult, info: { durationMs: number; attempts: number }): void {
    super.onSuccess(action, result, info);
    this.log.info({
      ...fields(action), event: 'action.succeeded', outcome: 'succeeded', durationMs: round(info.durationMs), attempts: info.attempts,
      ...(result.adopted ? { adopted: true } : {}),
    }, `${actionLabel(action)} succeeded`);
  }
  override onFailure(action: Action, failure: FailedAction, info: { durationMs: number }): void {
    super.onFailure(action, failure, info);
    this.log.error({
      ...fields(action), event: 'action.failed', outcome: 'failed', durationMs: round(info.durationMs), attempts: failure.attempts,
      errorCode: failure.code, error: failure.error,
    }, `${actionLabel(action)} failed`);
  }
  override onSkip(action: Action, reason: string): void {
    super.onSkip(action, reason);
    this.log.warn({ ...fields(action), event: 'action.skipped', outcome: 'skipped', reason }, `${actionLabel(action)} skipped`);
  }
  override onNotStarted(action: Action): void {
    super.onNotStarted(action);
    this.log.warn({ ...fields(action), event: 'action.not-started', outcome: 'not-started' }, `${actionLabel(action)} not started`);
  }
}

function fields(action: Action): Record<string, unknown> {
  return { action: action.id, op: action.op, kind: action.kind, name: action.name, ...(action.owner !== undefined ? { owner: action.owner } : {}) };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function bar(fraction: number, width: number): string {
  const full = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}
