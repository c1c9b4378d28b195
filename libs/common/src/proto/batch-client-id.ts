import protobuf from 'protobufjs/minimal.js';
import { InvalidArgumentError } from '../errors/taba-error.js';

const CLIENT_ID_FIELD = 1;

/**
 * The `client_id` of an encoded `taba.v1.EventBatch` without decoding the rest: the top-level
 * fields are stepped over by their lengths (a column is skipped, not read). As protobuf says and
 * `decodeEventBatch` does, the last `client_id` wins. Cheap enough to run on every batch at the
 * gateway, before it is forwarded.
 *
 * @throws InvalidArgumentError (MALFORMED_BATCH) when the bytes are not an EventBatch
 */
export function readBatchClientId(bytes: Uint8Array): string {
  const reader = protobuf.Reader.create(bytes);
  let clientId = '';
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === CLIENT_ID_FIELD) clientId = reader.string();
      else reader.skipType(tag & 7);
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
