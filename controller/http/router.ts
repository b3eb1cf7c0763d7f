import { MethodNotAllowedError } from './errors/method-not-allowed-error.js';
import { NotFoundError } from './errors/not-found-error.js';
import type { Handler, Route } from './routes/route.js';

/**
 * Exact-path routing over a handful of fixed paths: a map lookup, then the method. Unknown path is
 * 404, known path with another method is 405 with Allow.
 */
export class Router {
  private readonly byPath: Map<string, Route>;

  constructor(routes: readonly Route[]) {
    this.byPath = new Map(routes.map((r) => [r.path, r]));
  }

  /** The route's path (the metrics label) and its handler; throws the 404/405 to answer. */
  match(method: string, path: string): { route: string; handler: Handler } {
    const route = this.byPath.get(path);
    if (!route) throw new NotFoundError(path);
    const handler = route.methods[method as keyof Route['methods']];
    if (!handler) throw new MethodNotAllowedError(method, path, Object.keys(route.methods));
    return { route: route.path, handler };
  }

  /** Whether the path is served at all (the metrics label of a 405 is its route, of a 404 `unmatched`). */
  has(path: string): boolean {
    return this.byPath.has(path);
  }
}
