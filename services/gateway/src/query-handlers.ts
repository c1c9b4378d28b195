import type { handleUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '@taba/common';
import { contextFromMetadata, inSpan, SpanKind } from '@taba/common';
import { cancellationOf, logUnexpected, toCallStatus } from './call-status.js';
import type { Downstream, QueryMethod } from './downstream.js';
import { QUERY_METHODS } from './downstream.js';

export interface QueryHandlersOptions {
  readonly downstream: Downstream;
  readonly logger: Logger;
}

/**
 * GetAggregates, GetProjections, GetSuperAggregate, ListNames, ListClients, ListTypes and
 * DeleteTabs: the request bytes go to a query instance and its response bytes come back
 * unchanged (public and internal methods share their messages).
 */
export function queryHandlers(
  options: QueryHandlersOptions,
): Record<QueryMethod, handleUnaryCall<Buffer, Buffer>> {
  const { downstream, logger } = options;
  const forward =
    (method: QueryMethod): handleUnaryCall<Buffer, Buffer> =>
    (call, callback) => {
      const context = {
        deadline: downstream.deadline(call.getDeadline()),
        signal: cancellationOf(call),
      };
      inSpan(
        `taba.v1.Taba/${method}`,
        {
          kind: SpanKind.SERVER,
          parent: contextFromMetadata(call.metadata),
          attributes: { 'rpc.system': 'grpc' },
        },
        () => downstream.queryBytes(method, call.request, context),
      ).then(
        response => callback(null, response),
        (error: unknown) => {
          logUnexpected(logger, method, error);
          callback(toCallStatus(error));
        },
      );
    };
  return Object.fromEntries(QUERY_METHODS.map(method => [method, forward(method)])) as Record<
    QueryMethod,
    handleUnaryCall<Buffer, Buffer>
  >;
}
