// Answers the dashboard's paths (`/`, `/dashboard/<file>`) on the REST port, before the routes.
import type { ServerResponse } from 'node:http';
import { NotFoundError } from '@taba/common';
import { methodNotAllowed } from './http-errors.js';
import type { StaticAssets, StaticReply } from './static-assets.js';
import { answerStatic, STATIC_METHODS } from './static-assets.js';

/**
 * The reply for dashboard file `file`; throws what the REST bridge answers as its JSON error
 * (404 for a file the bundle lacks, or for every file when there is no bundle; 405).
 */
export function dashboardReply(
  assets: StaticAssets,
  method: string,
  path: string,
  file: string,
  ifNoneMatch: string | undefined,
): StaticReply {
  const answer = answerStatic(assets, method, file, ifNoneMatch);
  if (answer.kind === 'method-not-allowed') throw methodNotAllowed(method, path, STATIC_METHODS);
  if (answer.kind === 'file') return answer.reply;
  if (assets.size === 0) {
    throw new NotFoundError(
      'DASHBOARD_NOT_BUILT',
      'this gateway has no dashboard bundle: run `npm run build` (docs/dashboard.md)',
    );
  }
  throw new NotFoundError('UNKNOWN_PATH', `there is no ${path}; see docs/dashboard.md`);
}

export function sendStatic(response: ServerResponse, reply: StaticReply): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(reply.status, reply.headers);
  response.end(reply.body);
}
