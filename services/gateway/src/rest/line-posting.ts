import { fromGrpcError, TabaError } from '@taba/common';
import type { Grant } from '../auth/scopes.js';
import { isUnexpectedError } from '../call-status.js';
import type { PostEventsResponse__Output } from '../contract.js';
import type { BodyCoding } from './body-decoding.js';
import { decodeLegacyBody } from './body-text.js';
import { lineClientsToBatches, parseLineProtocol, unknownTypeReason } from './line-protocol.js';
import { NO_PARAMS, parseQuery } from './query-params.js';
import { lineResult } from './responses.js';
import type { RestBackend, RestLimits, RestReply, RestRequest } from './routes.js';

/** Counted per event of an unknown type (status: `refused.UNKNOWN_TYPE`). */
export const UNKNOWN_TYPE = 'UNKNOWN_TYPE';

/**
 * Posts a body of Taba's line protocol (`/post`; `/post_zip` with `framing` zlib). Each
 * client's batch is posted in body order, one at a time; the first failure answers that error
 * (its message names the client and its line, and how many clients before it were applied).
 * The whole body is parsed and bounded first (clients, events per client), so a body past a
 * limit posts nothing; a body with any client the token may not write is refused whole, before
 * anything is posted: a credential problem never leaves half a body applied. An event of a type
 * no handler answers is rejected on its own (listed with its line, counted), and the rest of
 * the body is posted.
 */
export async function postLineBody(
  request: RestRequest,
  backend: RestBackend,
  now: number,
  grant: Grant,
  limits: RestLimits,
  framing?: BodyCoding,
): Promise<RestReply> {
  parseQuery(request.search, NO_PARAMS);
  const text = decodeLegacyBody(await request.body(undefined, framing), request.contentType);
  const clients = parseLineProtocol(text, {
    maxClients: limits.maxPostClients,
    maxEventsPerClient: limits.maxBatchEvents,
  });
  request.auth.authorizeClients(
    grant,
    clients.map(client => client.clientId),
  );
  const answers = [];
  let posted = 0;
  for (const { clientId, line, built, unknownTypes } of lineClientsToBatches(clients, now)) {
    const localRejections = unknownTypes.map(event => ({
      line: event.line,
      reason: unknownTypeReason(event.type),
    }));
    for (let i = 0; i < unknownTypes.length; i += 1) request.refusals.count(UNKNOWN_TYPE);
    let response: PostEventsResponse__Output | undefined;
    if (built.eventCount > 0) {
      try {
        response = await backend.postBatch(built.batch, request.signal);
        posted += 1;
      } catch (error) {
        if (isUnexpectedError(error)) throw error;
        const failure = fromGrpcError(error);
        const before =
          posted === 0
            ? 'no batch of this body was applied'
            : `the batches of the ${posted} clients before it were applied`;
        throw new TabaError(
          failure.kind,
          failure.reason,
          `client ${JSON.stringify(clientId)} (line ${line}): ${failure.message}; ${before}`,
          { cause: error },
        );
      }
    }
    answers.push({ clientId, response, origins: built.origins, localRejections });
  }
  return {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify(lineResult(answers)),
  };
}
