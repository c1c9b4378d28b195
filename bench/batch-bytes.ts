// A scan of an encoded taba.v1.EventBatch's columns, without decoding the events: where each
// column's packed timestamps lie, how many events it has and of which type.

/** TabType wire numbers of the Tabs whose events are counted exactly on read-back. */
const COUNTABLE_TYPES = new Set([1, 2]); // COUNTER_GROUP, PERCENTILE_GROUP

export interface ScannedColumn {
  /** TabType wire number. */
  readonly type: number;
  /** Events (one timestamp each: @taba/client and the bench stamp every event). */
  readonly count: number;
  /** Byte offset of the packed timestamps' payload. */
  readonly timestampsAt: number;
}

function readVarint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  let pos = at;
  for (;;) {
    const byte = bytes[pos] as number;
    pos += 1;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
}

/** The fields of bytes[from, to): calls `field` with each key and its payload's bounds. */
function eachField(
  bytes: Uint8Array,
  from: number,
  to: number,
  field: (key: number, start: number, end: number) => void,
): void {
  let pos = from;
  while (pos < to) {
    const [key, afterKey] = readVarint(bytes, pos);
    const wire = key & 7;
    if (wire === 0) {
      const [, next] = readVarint(bytes, afterKey);
      field(key, afterKey, next);
      pos = next;
    } else if (wire === 1) {
      field(key, afterKey, afterKey + 8);
      pos = afterKey + 8;
    } else if (wire === 2) {
      const [length, payload] = readVarint(bytes, afterKey);
      field(key, payload, payload + length);
      pos = payload + length;
    } else {
      throw new Error(`EventBatch scan: wire type ${wire} at byte ${pos}`);
    }
  }
}

/** The columns (EventBatch field 4) of an encoded batch, in order. */
export function scanColumns(bytes: Uint8Array): ScannedColumn[] {
  const columns: ScannedColumn[] = [];
  eachField(bytes, 0, bytes.length, (key, start, end) => {
    if (key >>> 3 !== 4) return;
    let type = 0;
    let count = 0;
    let timestampsAt = -1;
    eachField(bytes, start, end, (columnKey, from, to) => {
      const field = columnKey >>> 3;
      if (field === 2) [type] = readVarint(bytes, from);
      else if (field === 3) {
        timestampsAt = from;
        count = (to - from) / 8;
      }
    });
    columns.push({ type, count, timestampsAt });
  });
  return columns;
}

/** Events of a scanned batch that read-back counts exactly. */
export function countableEvents(columns: readonly ScannedColumn[]): number {
  let countable = 0;
  for (const column of columns) if (COUNTABLE_TYPES.has(column.type)) countable += column.count;
  return countable;
}
