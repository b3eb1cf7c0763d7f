import { NotConfiguredError } from '../errors/not-configured-error.js';
import { UnauthorizedError } from '../errors/unauthorized-error.js';
import { verifyHubSignature } from '../hmac.js';
import { readBody } from '../read-body.js';
import { sendJson } from '../send-json.js';
import type { Route } from './route.js';

/**
 * A push notification from the git host (GitHub's webhook format; Gitea and Forgejo send the same
 * signature header). The body is not parsed: the controller reads the branch itself, so the only
 * thing taken from the request is "look now", and only once the signature over the raw bytes
 * holds. `ping` (sent when the hook is created) is answered 200 without a look; any other event
 * triggers one, since looking at an unchanged branch costs nothing.
 */
export const gitHookRoute: Route = {
  path: '/hooks/git',
  methods: {
    POST: async ({ req, res, deps, log }) => {
      const secret = deps.webhookSecret;
      if (!secret) {
        throw new NotConfiguredError('WEBHOOK_NOT_CONFIGURED', 'no webhook secret is configured on this controller: push notifications are disabled');
      }
      const body = await readBody(req, deps.tuning.maxBodyBytes);
      const signature = req.headers['x-hub-signature-256'];
      if (!verifyHubSignature(body, secret, typeof signature === 'string' ? signature : undefined)) {
        log.warn('webhook refused: missing or invalid X-Hub-Signature-256');
        throw new UnauthorizedError('missing or invalid X-Hub-Signature-256', '');
      }
      const event = req.headers['x-github-event'];
      if (event === 'ping') {
        sendJson(res, 200, { status: 'pong' });
        return;
      }
      deps.view.notifyPush();
      log.info({ event: typeof event === 'string' ? event : null }, 'push notification accepted');
      sendJson(res, 202, { status: 'accepted' });
    },
  },
};
