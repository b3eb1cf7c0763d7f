import type { ResourceFilter, ResourceItem } from '../run/controller-view.js';
import { ContinueExpiredError } from './errors/continue-expired-error.js';
import { InvalidQueryError } from './errors/invalid-query-error.js';

/**
 * Pagination of GET /api/v1/resources. The view hands out a fresh array each time, so a page cannot
 * hold a snapshot open; the token names the last item sent (and its position, the fast path) and the
 * filter it was made for. The next page starts after that item wherever it now is: a resource added
 * or removed before it does not make a page skip or repeat one. If that item is gone, 410.
 * The token is opaque to clients (base64url JSON) and carries nothing secret.
 */
interface TokenBody {
  /** Index of the next item when the token was made. */
  o: number;
  /** Identity of the last item sent. */
  k: string;
  /** The filter the listing was made with. */
  f: string;
}

export function identityOf(item: ResourceItem): string {
  return `${item.kind}/${item.account ?? ''}/${item.name}`;
}

function filterKey(filter: ResourceFilter): string {
  return JSON.stringify([filter.kind ?? null, filter.account ?? null, filter.status ?? null]);
}

export function encodeContinue(items: readonly ResourceItem[], next: number, filter: ResourceFilter): string {
  const body: TokenBody = { o: next, k: identityOf(items[next - 1]!), f: filterKey(filter) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** Where the page after the token starts in `items`. */
export function resolveContinue(token: string, items: readonly ResourceItem[], filter: ResourceFilter): number {
  const body = decode(token);
  if (body.f !== filterKey(filter)) throw new InvalidQueryError('continue token was made for other kind/account/status filters');
  const previous = items[body.o - 1];
  if (previous && identityOf(previous) === body.k) return body.o;
  const at = items.findIndex((item) => identityOf(item) === body.k);
  if (at < 0) throw new ContinueExpiredError();
  return at + 1;
}

function decode(token: string): TokenBody {
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
    if (Number.isInteger(body.o) && body.o! >= 1 && typeof body.k === 'string' && typeof body.f === 'string') return body as TokenBody;
  } catch {
    // fall through: any undecodable token is the same client error
  }
  throw new InvalidQueryError('malformed continue token');
}
