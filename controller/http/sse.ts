import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControllerEvent, ControllerView } from '../run/controller-view.js';
import type { HttpMetrics } from '../metrics/http-metrics.js';

export interface EventStreamOptions {
  heartbeatMs: number;
  /** Bytes queued in the response (not yet taken by the socket) above which events are dropped. */
  maxBufferedBytes: number;
}

/** Event names come from the view; anything that could break the frame is sent as the default. */
const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/**
 * One client of GET /api/v1/events (server-sent events). Each ControllerEvent becomes
 * `event: <type>` + `data: <json>`; a comment every heartbeatMs keeps proxies from closing an idle
 * stream and lets the server notice a client that is gone.
 *
 * A client that reads slower than events arrive must not make the server buffer without bound:
 * while more than maxBufferedBytes wait in the response, events are dropped and counted (the
 * per-client count, and cairn_http_sse_dropped_events_total). When the client catches up it gets
 * `event: dropped` with the count, its cue to re-read /api/v1/status and /api/v1/drift.
 * Events are written as the view emits them, so the view's redaction is what the client sees:
 * this module never looks inside an event.
 */
export class EventStream {
  private dropped = 0;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    view: ControllerView,
    private readonly metrics: HttpMetrics,
    private readonly options: EventStreamOptions,
    private readonly onClosed: (stream: EventStream) => void,
  ) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // nginx buffers responses by default, which would hold events back.
      'X-Accel-Buffering': 'no',
    });
    res.write(': cairn event stream\n\n');
    metrics.sseClientOpened();
    this.unsubscribe = view.subscribe((event) => this.send(event));
    this.heartbeat = setInterval(() => this.heartbeatTick(), options.heartbeatMs);
    this.heartbeat.unref();
    res.on('drain', () => this.reportDropped());
    res.on('close', () => this.close());
    req.on('close', () => this.close());
    // A write racing the socket's end must cost this client its stream, never the process.
    res.on('error', () => this.close());
  }

  /** Ends the stream from the server's side (shutdown). */
  end(): void {
    if (this.closed) return;
    this.res.end();
    this.close();
  }

  private send(event: ControllerEvent): void {
    if (this.closed) return;
    // Checked before serialising: a stalled client costs a comparison per event, not a string.
    if (this.full()) {
      this.dropped++;
      this.metrics.sseEventDropped();
      return;
    }
    const name = EVENT_NAME.test(event.type) ? event.type : 'message';
    this.write(`event: ${name}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  private heartbeatTick(): void {
    // A full buffer already shows the connection is alive (or soon dead): no heartbeat is owed.
    if (!this.closed && !this.full()) this.write(': heartbeat\n\n');
  }

  private full(): boolean {
    return this.res.writableLength > this.options.maxBufferedBytes;
  }

  private write(frame: string): void {
    this.reportDropped();
    this.res.write(frame);
  }

  private reportDropped(): void {
    if (this.dropped === 0 || this.closed) return;
    const count = this.dropped;
    this.dropped = 0;
    this.res.write(`event: dropped\ndata: ${JSON.stringify({ count })}\n\n`);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribe();
    this.metrics.sseClientClosed();
    this.onClosed(this);
  }
}
