// The read methods of taba.v1.Taba (and DeleteTabs and GetStatus, rarely) with fuzzed filters
// and render modes, as encoded requests, sometimes mutated on the wire.
import { mutateBytes, randomBytes } from '../byte-mutator.js';
import type { EntryPoint, FuzzInput } from '../fuzz-input.js';
import { rawClient, rawUnary } from '../grpc-calls.js';
import { ProtoWriter } from '../proto-writer.js';
import { encodeFilter, randomFilter } from '../query-inputs.js';

export interface GrpcQueryInput extends FuzzInput {
  readonly method: string;
  readonly bytes: Buffer;
}

const RENDERED = ['GetAggregates', 'GetProjections', 'GetSuperAggregate'] as const;
const LISTS = ['ListNames', 'ListClients', 'ListTypes'] as const;

export function grpcQuery(address: string): EntryPoint<GrpcQueryInput> {
  const client = rawClient(address);
  return {
    generate: (random, mode) => {
      const roll = random.next();
      if (roll < 0.03) {
        // StatusRequest is empty: anything but unknown fields is malformed.
        return {
          shape: 'GetStatus',
          method: 'GetStatus',
          bytes: randomBytes(random, random.int(0, 16)),
        };
      }
      const method =
        roll < 0.02 ? 'DeleteTabs' : roll < 0.6 ? random.pick(RENDERED) : random.pick(LISTS);
      const writer = new ProtoWriter().lengthDelimited(
        1,
        encodeFilter(randomFilter(random, mode === 'heavy')),
      );
      if (RENDERED.some(each => each === method))
        writer.varintField(2, random.pick([0, 1, 2, 3, 4, 2 ** 31 - 1]));
      const bytes = writer.finish();
      if (random.next() < 0.25)
        return { shape: `${method} mutated`, method, bytes: mutateBytes(bytes, random) };
      return { shape: method, method, bytes };
    },
    send: (input, timeoutMs) =>
      rawUnary(client, `/taba.v1.Taba/${input.method}`, input.bytes, timeoutMs),
    close: () => client.close(),
  };
}
