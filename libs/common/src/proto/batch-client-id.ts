import protobuf from 'protobufjs/minimal.js';
import { InvalidArgumentError } from '../errors/taba-error.js';

const WIRE_LENGTH = 2;

/**
 * The `client_id` of an encoded `taba.v1.EventBatch` without decoding the rest: columns are
 * stepped over by their lengths, not read. It must find the client ID that ingest's
 * `decodeEventBatch` will, so it reads the top-level fields exactly as that decoder does (which
 * reads `seq` and `sent_at` whatever their wire type, and the last `client_id` wins); a test
 * holds the two together on mutated batches. Cheap enough for every batch at the gateway.
 *
 * @throws InvalidArgumentError (MALFORMED_BATCH) when the bytes are not an EventBatch
 */
export function readBatchClientId(bytes: Uint8Array): string {
  const reader = protobuf.Reader.create(bytes);
  let clientId = '';
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const wireType = tag & 7;
      switch (tag >>> 3) {
        case 1:
          clientId = reader.string();
          break;
        case 2:
          reader.uint64();
          break;
        case 3:
          reader.double();
          break;
        case 4:
          if (wireType !== WIRE_LENGTH) throw new RangeError(`tabs with wire type ${wireType}`);
          reader.skipType(WIRE_LENGTH);
          break;
        default:
          reader.skipType(wireType);
      }
    }
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(
      'MALFORMED_BATCH',
      `the batch is not a valid taba.v1.EventBatch: ${detail}`,
      { cause: error },
    );
  }
  return clientId;
}
