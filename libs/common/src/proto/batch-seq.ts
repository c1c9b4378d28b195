import protobuf from 'protobufjs/minimal.js';

/**
 * The `seq` of an encoded `taba.v1.EventBatch` (field 2), read without decoding its columns:
 * the other fields are skipped over. 0 when it has none, or when the bytes are not a valid
 * batch (the caller then treats it as the at-least-once batch it may be; ingest refuses it).
 */
export function readBatchSeq(bytes: Uint8Array): number {
  const reader = protobuf.Reader.create(bytes);
  let seq = 0;
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag === 0x10) {
        const value = reader.uint64();
        seq = typeof value === 'number' ? value : (value.high >>> 0) * 2 ** 32 + (value.low >>> 0);
      } else {
        reader.skipType(tag & 7);
      }
    }
  } catch {
    return 0;
  }
  return seq;
}
