// EventBatch inputs for the gRPC entry points: valid batches, mutations of them, random bytes,
// and the shapes a strict encoder never writes (unpacked, repeated, oversized, lying fields).
import type { SeededRandom } from '../../libs/common/src/test-support/seeded-random.js';
import { BATCH_FIELDS, COLUMN_FIELDS, encodeBatch, encodeColumn } from './batch-encoding.js';
import { mutateBytes, randomBytes } from './byte-mutator.js';
import { fuzzClient, fuzzName, NAME_COUNT, validBatch, validColumn } from './fuzz-events.js';
import { ProtoWriter, WIRE } from './proto-writer.js';
import { sized } from './sizes.js';

export interface BatchInput {
  /** What kind of input this is, for the report (e.g. `mutated`, `unpacked`). */
  readonly shape: string;
  readonly bytes: Buffer;
}

const ODD_DOUBLES = [Number.NaN, Infinity, -Infinity, -0, 5e-324, 1.7976931348623157e308, 2 ** 53];

function columnWith(
  random: SeededRandom,
  now: number,
  edit: (writer: ProtoWriter) => void,
): Buffer {
  const k = random.int(0, NAME_COUNT - 1);
  const writer = new ProtoWriter().raw(encodeColumn(validColumn(random, k, random.int(1, 4), now)));
  edit(writer);
  return new ProtoWriter()
    .string(BATCH_FIELDS.clientId, fuzzClient(random))
    .lengthDelimited(BATCH_FIELDS.tabs, writer.finish())
    .finish();
}

/** Structurally hostile batches, each a shape a careless decoder mishandles. */
const HOSTILE: Readonly<
  Record<string, (random: SeededRandom, now: number, heavy: boolean) => Buffer>
> = {
  unpacked: (random, now, heavy) => {
    const count = sized(random, 50_000, heavy);
    const column = {
      ...validColumn(random, 0, 0, now),
      values: Array.from({ length: count }, (_, i) => i),
    };
    return encodeBatch(
      { clientId: fuzzClient(random), seq: 0, sentAt: 0, tabs: [column] },
      { unpacked: true },
    );
  },
  'unpacked-small': (random, now) => encodeBatch(validBatch(random, now), { unpacked: true }),
  'many-columns': (random, now, heavy) => {
    const count = sized(random, 20_000, heavy);
    const column = encodeColumn(validColumn(random, random.int(0, NAME_COUNT - 1), 1, now));
    const writer = new ProtoWriter().string(BATCH_FIELDS.clientId, fuzzClient(random));
    for (let i = 0; i < count; i += 1) writer.lengthDelimited(BATCH_FIELDS.tabs, column);
    return writer.finish();
  },
  'many-names': (random, now, heavy) => {
    const count = sized(random, 5000, heavy);
    const tabs = Array.from({ length: count }, (_, i) => ({
      ...validColumn(random, 0, 1, now),
      name: `${fuzzName(0)}.n${i}`,
    }));
    return encodeBatch({ clientId: fuzzClient(random), seq: 0, sentAt: 0, tabs });
  },
  'many-events': (random, now, heavy) => {
    const column = validColumn(
      random,
      random.int(0, NAME_COUNT - 1),
      sized(random, 100_000, heavy),
      now,
    );
    return encodeBatch({ clientId: fuzzClient(random), seq: 0, sentAt: 0, tabs: [column] });
  },
  'long-name': (random, now, heavy) =>
    columnWith(random, now, writer =>
      writer.string(COLUMN_FIELDS.name, 'n'.repeat(sized(random, 1_000_000, heavy))),
    ),
  'long-client': (random, _now, heavy) =>
    new ProtoWriter()
      .string(BATCH_FIELDS.clientId, 'c'.repeat(sized(random, 1_000_000, heavy)))
      .finish(),
  'long-string': (random, now, heavy) =>
    columnWith(random, now, writer =>
      writer.string(COLUMN_FIELDS.strings, 's'.repeat(sized(random, 1_000_000, heavy))),
    ),
  'many-strings': (random, now, heavy) =>
    columnWith(random, now, writer => {
      for (let i = sized(random, 50_000, heavy); i > 0; i -= 1)
        writer.string(COLUMN_FIELDS.strings, 'v');
    }),
  'many-bounds': (random, now, heavy) =>
    columnWith(random, now, writer =>
      writer.packedDoubles(
        COLUMN_FIELDS.bounds,
        Array.from({ length: sized(random, 100_000, heavy) }, (_, i) => i),
      ),
    ),
  'repeated-singular': (random, now) => {
    const base = encodeBatch(validBatch(random, now));
    const writer = new ProtoWriter();
    for (let i = random.int(2, 200); i > 0; i -= 1) {
      writer
        .string(BATCH_FIELDS.clientId, fuzzClient(random))
        .varintField(BATCH_FIELDS.seq, random.int(0, 5));
    }
    return Buffer.concat([base, writer.finish()]);
  },
  'lying-length': (random, now) => {
    const column = encodeColumn(validColumn(random, 0, 2, now));
    const claimed = random.pick([
      column.length + 1,
      column.length * 2,
      2 ** 31 - 1,
      2 ** 32 + 5,
      0,
    ]);
    return new ProtoWriter()
      .string(BATCH_FIELDS.clientId, fuzzClient(random))
      .lengthDelimited(BATCH_FIELDS.tabs, column, claimed)
      .finish();
  },
  'max-varint': random => {
    const writer = new ProtoWriter().string(BATCH_FIELDS.clientId, fuzzClient(random));
    writer.tag(
      random.pick([BATCH_FIELDS.seq, BATCH_FIELDS.tabs, BATCH_FIELDS.clientId, 99]),
      random.pick([WIRE.varint, WIRE.length]),
    );
    return writer.maxVarint().finish();
  },
  'odd-doubles': (random, now) =>
    columnWith(random, now, writer => {
      writer.packedDoubles(
        random.pick([
          COLUMN_FIELDS.timestamps,
          COLUMN_FIELDS.values,
          COLUMN_FIELDS.expiries,
          COLUMN_FIELDS.bounds,
        ]),
        Array.from({ length: random.int(1, 8) }, () => random.pick(ODD_DOUBLES)),
      );
    }),
  'odd-enum': (random, now) =>
    columnWith(random, now, writer => {
      const code = random.pick([0, 9, 127, 2 ** 31 - 1]);
      writer.varintField(COLUMN_FIELDS.type, code);
      if (random.next() < 0.5) writer.tag(COLUMN_FIELDS.type, WIRE.varint).maxVarint();
    }),
  'unknown-fields': (random, now) => {
    const writer = new ProtoWriter().raw(encodeBatch(validBatch(random, now)));
    for (let i = random.int(1, 20); i > 0; i -= 1) {
      const field = random.int(5, 2 ** 29 - 1);
      const wire = random.pick([WIRE.varint, WIRE.fixed64, WIRE.length, WIRE.fixed32]);
      writer.tag(field, wire);
      if (wire === WIRE.varint) writer.varint(random.int(0, 2 ** 40));
      else if (wire === WIRE.fixed64) writer.double(random.next());
      else if (wire === WIRE.fixed32) writer.raw(randomBytes(random, 4));
      else writer.varint(8).raw(randomBytes(random, 8));
    }
    return writer.finish();
  },
  groups: (random, _now, heavy) => {
    const writer = new ProtoWriter().string(BATCH_FIELDS.clientId, fuzzClient(random));
    const depth = sized(random, 10_000, heavy);
    for (let i = 0; i < depth; i += 1) writer.tag(9, WIRE.startGroup);
    if (random.next() < 0.5) for (let i = 0; i < depth; i += 1) writer.tag(9, WIRE.endGroup);
    return writer.finish();
  },
  'wrong-wire-type': (random, now) =>
    columnWith(random, now, writer => {
      const field = random.pick(Object.values(COLUMN_FIELDS));
      writer
        .tag(field, random.pick([WIRE.varint, WIRE.fixed32, WIRE.startGroup, 6, 7]))
        .raw(randomBytes(random, 4));
    }),
  'huge-seq': (random, now) =>
    Buffer.concat([
      encodeBatch(validBatch(random, now)),
      new ProtoWriter().tag(BATCH_FIELDS.seq, WIRE.varint).maxVarint().finish(),
    ]),
};

const HOSTILE_SHAPES = Object.keys(HOSTILE);
/** The shapes whose size grows in a heavy input. */
const SIZED_SHAPES = [
  'unpacked',
  'many-columns',
  'many-names',
  'many-events',
  'long-name',
  'long-client',
  'long-string',
  'many-strings',
  'many-bounds',
  'groups',
];

function hostile(random: SeededRandom, now: number, heavy: boolean): BatchInput {
  const shape = random.pick(heavy ? SIZED_SHAPES : HOSTILE_SHAPES);
  const make = HOSTILE[shape];
  if (!make) throw new Error(`no hostile shape ${shape}`);
  const bytes = make(random, now, heavy);
  return random.next() < 0.3
    ? { shape: `${shape}+mutated`, bytes: mutateBytes(bytes, random) }
    : { shape, bytes };
}

/**
 * One batch input. Cheap: mostly mutations of valid batches (close to what parsers expect),
 * some valid ones, some random bytes, some structurally hostile shapes, all small. Heavy: a
 * hostile shape at its full size (up to ~1 MB, 50,000 unpacked doubles, 20,000 columns).
 */
export function batchInput(random: SeededRandom, now: number, heavy: boolean): BatchInput {
  if (heavy) return hostile(random, now, true);
  const roll = random.next();
  if (roll < 0.15) return { shape: 'valid', bytes: encodeBatch(validBatch(random, now)) };
  if (roll < 0.65) {
    return { shape: 'mutated', bytes: mutateBytes(encodeBatch(validBatch(random, now)), random) };
  }
  if (roll < 0.75) return { shape: 'random', bytes: randomBytes(random, random.int(0, 512)) };
  return hostile(random, now, false);
}
