import type { Route } from './route.js';

export const metricsRoute: Route = {
  path: '/metrics',
  methods: {
    GET: async ({ res, deps }) => {
      const text = await deps.registry.metrics();
      res.writeHead(200, { 'Content-Type': deps.registry.contentType, 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    },
  },
};
