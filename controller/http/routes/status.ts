import { sendJson } from '../send-json.js';
import type { Route } from './route.js';

export const statusRoute: Route = {
  path: '/api/v1/status',
  methods: { GET: ({ res, deps }) => sendJson(res, 200, deps.view.status()) },
};
