/**
 * Writes `value` (a whole number in [0, 2^53)) as an unsigned LEB128 varint (protobuf's and the
 * binary Delta's) at `at`; returns the offset after it. Arithmetic, not 32-bit shifts, so values
 * past 2^31 stay right. The caller makes room (at most 8 bytes below 2^53).
 */
export function writeVarint(bytes: Uint8Array, at: number, value: number): number {
  let rest = value;
  let offset = at;
  while (rest >= 0x80) {
    bytes[offset] = (rest % 0x80) | 0x80;
    offset += 1;
    rest = Math.floor(rest / 0x80);
  }
  bytes[offset] = rest;
  return offset + 1;
}
