import { NotReadyError } from '../errors/not-ready-error.js';
import { sendJson } from '../send-json.js';
import type { Route } from './route.js';

/** Liveness: answering at all is the proof. */
export const healthzRoute: Route = {
  path: '/healthz',
  methods: { GET: ({ res }) => sendJson(res, 200, { status: 'ok' }) },
};

/** Readiness: a revision loaded and the world observed once. */
export const readyzRoute: Route = {
  path: '/readyz',
  methods: {
    GET: ({ res, deps }) => {
      if (!deps.view.ready()) throw new NotReadyError();
      sendJson(res, 200, { status: 'ready' });
    },
  },
};
