import { EventStream } from '../sse.js';
import type { Route } from './route.js';

export const eventsRoute: Route = {
  path: '/api/v1/events',
  methods: {
    GET: ({ req, res, deps }) => {
      const stream = new EventStream(req, res, deps.view, deps.metrics, {
        heartbeatMs: deps.tuning.sseHeartbeatMs,
        maxBufferedBytes: deps.tuning.sseMaxBufferedBytes,
      }, (closed) => deps.streams.delete(closed));
      deps.streams.add(stream);
    },
  },
};
