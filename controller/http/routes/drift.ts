import { streamJson } from '../json-stream.js';
import type { Route } from './route.js';

/** Streamed: after a bad day every resource can be drifted, as large as /api/v1/resources. */
export const driftRoute: Route = {
  path: '/api/v1/drift',
  methods: {
    GET: async ({ res, deps }) => {
      const { items, unmanaged } = deps.view.drift();
      await streamJson(res, 200, { items, unmanaged });
    },
  },
};
