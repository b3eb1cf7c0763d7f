import { encodeContinue, resolveContinue } from '../continue-token.js';
import { streamJson } from '../json-stream.js';
import { parseResourceQuery } from '../resource-query.js';
import type { Route } from './route.js';

/**
 * `{"items": [...]}`, and with `limit` a page plus `"continue"` while more remain. Either way the
 * answer is streamed item by item (json-stream.ts): at 275,000 resources the whole list is ~200 MB
 * of JSON.
 */
export const resourcesRoute: Route = {
  path: '/api/v1/resources',
  methods: {
    GET: async ({ res, url, deps }) => {
      const query = parseResourceQuery(url.searchParams);
      const all = deps.view.resources(query.filter);
      if (query.limit === undefined) {
        await streamJson(res, 200, { items: all });
        return;
      }
      const start = query.continueToken === undefined ? 0 : resolveContinue(query.continueToken, all, query.filter);
      const end = Math.min(start + query.limit, all.length);
      await streamJson(res, 200, {
        items: all.slice(start, end),
        continue: end < all.length ? encodeContinue(all, end, query.filter) : undefined,
      });
    },
  },
};
