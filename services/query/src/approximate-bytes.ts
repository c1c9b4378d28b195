/**
 * About how many bytes of heap a value built by the query engine holds (merged States: plain
 * objects, arrays, typed arrays, Maps, Sets, strings, numbers): what bounds the cache in bytes.
 * An estimate, not V8's exact figure, but within a small factor and never zero; linear in the
 * value's size, which was just as costly to build. Shared objects are counted once.
 */
const OBJECT_BYTES = 32;
const SLOT_BYTES = 8;

export function approximateBytes(value: unknown): number {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  let bytes = 0;
  while (stack.length > 0) {
    const next = stack.pop();
    switch (typeof next) {
      case 'string':
        bytes += 16 + 2 * next.length;
        continue;
      case 'object':
        break;
      default:
        bytes += SLOT_BYTES;
        continue;
    }
    if (next === null || seen.has(next)) {
      bytes += SLOT_BYTES;
      continue;
    }
    seen.add(next);
    bytes += OBJECT_BYTES;
    if (ArrayBuffer.isView(next)) {
      bytes += next.byteLength;
    } else if (next instanceof Map) {
      bytes += next.size * 2 * SLOT_BYTES;
      for (const [key, item] of next) stack.push(key, item);
    } else if (next instanceof Set) {
      bytes += next.size * SLOT_BYTES;
      for (const item of next) stack.push(item);
    } else if (Array.isArray(next)) {
      bytes += next.length * SLOT_BYTES;
      for (const item of next) stack.push(item);
    } else {
      for (const [key, item] of Object.entries(next)) {
        bytes += SLOT_BYTES;
        stack.push(key, item);
      }
    }
  }
  return bytes;
}
