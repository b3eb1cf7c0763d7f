import { requireBearer } from '../bearer.js';
import { sendJson } from '../send-json.js';
import type { Route } from './route.js';

/** Resync now. The loop collapses repeated requests, so accepting is all this does. */
export const reconcileRoute: Route = {
  path: '/api/v1/reconcile',
  methods: {
    POST: ({ req, res, deps, log }) => {
      requireBearer(req, deps.token);
      deps.view.requestResync('api');
      log.info('resync requested through the API');
      sendJson(res, 202, { status: 'accepted' });
    },
  },
};
