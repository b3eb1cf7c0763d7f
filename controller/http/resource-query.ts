import { KINDS } from '../../desired-state/model.js';
import type { ResourceFilter, ResourceStatus } from '../run/controller-view.js';
import { InvalidQueryError } from './errors/invalid-query-error.js';

const STATUSES: readonly ResourceStatus[] = ['ready', 'progressing', 'failed', 'drifted'];
const PARAMETERS = ['kind', 'account', 'status', 'limit', 'continue'] as const;
/** One page at most; a client that wants everything at once leaves `limit` out (the answer streams). */
export const MAX_LIMIT = 10_000;

export interface ResourceQuery {
  filter: ResourceFilter;
  limit: number | undefined;
  continueToken: string | undefined;
}

/**
 * GET /api/v1/resources's query, checked strictly: an unknown parameter or value is a 400 that
 * names what is allowed, never a silently empty list (a typo in `status=faild` must not read as
 * "nothing failed").
 */
export function parseResourceQuery(params: URLSearchParams): ResourceQuery {
  for (const key of new Set(params.keys())) {
    if (!(PARAMETERS as readonly string[]).includes(key)) {
      throw new InvalidQueryError(`unknown query parameter "${key}"; allowed: ${PARAMETERS.join(', ')}`);
    }
    if (params.getAll(key).length > 1) throw new InvalidQueryError(`query parameter "${key}" given more than once`);
  }
  const filter: ResourceFilter = {};
  const kind = nonEmpty(params, 'kind');
  if (kind !== undefined) {
    if (!(KINDS as readonly string[]).includes(kind)) throw new InvalidQueryError(`unknown kind "${kind}"; kinds: ${KINDS.join(', ')}`);
    filter.kind = kind;
  }
  const account = nonEmpty(params, 'account');
  if (account !== undefined) filter.account = account;
  const status = nonEmpty(params, 'status');
  if (status !== undefined) {
    if (!(STATUSES as readonly string[]).includes(status)) throw new InvalidQueryError(`unknown status "${status}"; allowed: ${STATUSES.join(', ')}`);
    filter.status = status;
  }
  const limitText = nonEmpty(params, 'limit');
  let limit: number | undefined;
  if (limitText !== undefined) {
    limit = /^\d{1,9}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  const continueToken = nonEmpty(params, 'continue');
  if (continueToken !== undefined && limit === undefined) throw new InvalidQueryError('continue needs limit');
  return { filter, limit, continueToken };
}

/** `?kind=` with nothing after it means no filter, as an HTML form would send it. */
function nonEmpty(params: URLSearchParams, key: string): string | undefined {
  const value = params.get(key);
  return value === null || value === '' ? undefined : value;
}
