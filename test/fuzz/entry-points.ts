// Every entry point of the run, in the order they run, with its share of the time budget.
import { grpcIngest, grpcPostEvents, grpcPostEventsStream } from './entries/grpc-post-events.js';
import { grpcQuery } from './entries/grpc-query.js';
import { httpAbuse } from './entries/http-abuse.js';
import { restEvents } from './entries/rest-events.js';
import { restPost } from './entries/rest-post.js';
import { restQuery } from './entries/rest-query.js';
import type { EntryPoint, FuzzInput } from './fuzz-input.js';
import type { FuzzStack } from './fuzz-stack.js';

export interface EntryTarget {
  readonly stack: FuzzStack;
  /** Epoch seconds that generated events are stamped around. */
  readonly now: number;
  /** REST connections per entry point. */
  readonly connections: number;
}

export interface EntrySpec {
  readonly name: string;
  /** Share of the run's time budget, relative to the others. */
  readonly weight: number;
  /** Cheap inputs in flight at once (TABA_FUZZ_CONCURRENCY overrides it). */
  readonly concurrency: number;
  create(target: EntryTarget): EntryPoint<FuzzInput>;
}

const spec = <I extends FuzzInput>(
  name: string,
  weight: number,
  concurrency: number,
  create: (target: EntryTarget) => EntryPoint<I>,
): EntrySpec => ({
  name,
  weight,
  concurrency,
  create: target => create(target) as unknown as EntryPoint<FuzzInput>,
});

export const ENTRY_POINTS: readonly EntrySpec[] = [
  spec('grpc.PostEvents', 3, 16, ({ stack, now }) => grpcPostEvents(stack.stack.grpcAddress, now)),
  spec('grpc.PostEventsStream', 2, 16, ({ stack, now }) =>
    grpcPostEventsStream(stack.stack.grpcAddress, now),
  ),
  spec('grpc.Ingest', 2, 32, ({ stack, now }) => grpcIngest(stack.stack.ingest.address, now)),
  spec('grpc.query', 2, 8, ({ stack }) => grpcQuery(stack.stack.grpcAddress)),
  spec('rest.events', 5, 32, ({ stack, now, connections }) =>
    restEvents(stack.stack.restUrl, now, connections),
  ),
  spec('rest.post', 3, 32, ({ stack, now, connections }) =>
    restPost(stack.stack.restUrl, now, connections),
  ),
  spec('rest.query', 3, 32, ({ stack, connections }) =>
    restQuery(stack.stack.restUrl, connections),
  ),
  spec('http.abuse', 1.5, 4, ({ stack }) => httpAbuse(stack.stack.restUrl)),
];
