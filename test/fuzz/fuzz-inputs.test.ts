// The fuzz suite's generators, without a stack: the same seed gives the same input, and the
// inputs meant to be valid are valid to the parsers they are aimed at (the protobuf decoder,
// the REST JSON reader, the line protocol, the query-string reader).
import { status } from '@grpc/grpc-js';
import { decodeEventBatch } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { eventsBodyToBatch } from '../../services/gateway/src/rest/json-events.js';
import {
  lineClientsToBatches,
  parseLineProtocol,
} from '../../services/gateway/src/rest/line-protocol.js';
import { parseQuery, READ_PARAMS } from '../../services/gateway/src/rest/query-params.js';
import { encodeBatch } from './batch-encoding.js';
import { batchInput } from './batch-inputs.js';
import { inputRandom, mutateBytes } from './byte-mutator.js';
import { validBatch } from './fuzz-events.js';
import { inputFromJson, inputToJson } from './fuzz-input.js';
import { requestBytes } from './http-calls.js';
import { eventsJson, mutateJson, validEventsJson } from './json-inputs.js';
import { lineBody, validLines } from './line-inputs.js';
import { filterQuery, randomFilter } from './query-inputs.js';
import { grpcVerdict, httpVerdict } from './verdicts.js';

const NOW = 1_763_800_000;

describe('the fuzz generators', () => {
  it('give the same input for the same seed, entry point and id, and another for another id', () => {
    const make = (id: string) =>
      batchInput(inputRandom(42, 'grpc.PostEvents', id), NOW, false).bytes;
    expect(make('7').equals(make('7'))).toBe(true);
    expect(make('7').equals(make('8'))).toBe(false);
    const heavy = (seed: number) =>
      batchInput(inputRandom(seed, 'grpc.PostEvents', 'h3'), NOW, true);
    expect(heavy(1).bytes.equals(heavy(1).bytes)).toBe(true);
    expect(heavy(1).shape).toBe(heavy(1).shape);
  });

  it('mutate a copy and never the input', () => {
    const original = encodeBatch(validBatch(inputRandom(1, 'x', '0'), NOW));
    const before = Buffer.from(original);
    const mutated = [0, 1, 2, 3, 4].map(i => mutateBytes(original, inputRandom(1, 'm', `${i}`)));
    expect(original.equals(before)).toBe(true);
    expect(mutated.some(each => !each.equals(original))).toBe(true);
  });

  it('encode valid batches, packed and unpacked, as the decoder reads them', () => {
    for (let i = 0; i < 50; i += 1) {
      const batch = validBatch(inputRandom(3, 'batch', `${i}`), NOW);
      for (const unpacked of [false, true]) {
        const decoded = decodeEventBatch(encodeBatch(batch, { unpacked }));
        expect(decoded.clientId).toBe(batch.clientId);
        expect(decoded.tabs.map(tab => tab.name)).toEqual(batch.tabs.map(tab => tab.name));
        expect(decoded.tabs.map(tab => tab.type)).toEqual(batch.tabs.map(tab => tab.type));
        expect(decoded.tabs.map(tab => [...tab.values])).toEqual(batch.tabs.map(tab => tab.values));
        expect(decoded.tabs.map(tab => tab.strings)).toEqual(batch.tabs.map(tab => tab.strings));
        expect(decoded.tabs.map(tab => [...tab.timestamps])).toEqual(
          batch.tabs.map(tab => tab.timestamps),
        );
        expect(decoded.tabs.map(tab => [...tab.expiries])).toEqual(
          batch.tabs.map(tab => tab.expiries),
        );
      }
    }
  });

  it('keep cheap batch inputs small and let heavy ones grow', () => {
    const sizes = (heavy: boolean) =>
      Array.from(
        { length: 300 },
        (_, i) => batchInput(inputRandom(5, 'size', `${i}`), NOW, heavy).bytes.length,
      );
    expect(Math.max(...sizes(false))).toBeLessThan(64 * 1024);
    expect(Math.max(...sizes(true))).toBeGreaterThan(256 * 1024);
  });

  it('write REST bodies the gateway takes, with every event in order', () => {
    for (let i = 0; i < 50; i += 1) {
      const random = inputRandom(9, 'rest', `${i}`);
      const batch = validBatch(random, NOW);
      const built = eventsBodyToBatch(JSON.parse(JSON.stringify(eventsJson(batch))), NOW);
      const events = batch.tabs.reduce(
        (sum, tab) => sum + tab.values.length + tab.strings.length,
        0,
      );
      expect(built.eventCount).toBe(events);
      expect(built.batch.clientId).toBe(batch.clientId);
    }
  });

  it('mutate JSON trees into bodies that still serialize', () => {
    for (let i = 0; i < 200; i += 1) {
      const random = inputRandom(11, 'json', `${i}`);
      const text = JSON.stringify(mutateJson(validEventsJson(random, NOW), random, false));
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it("write line-protocol bodies the gateway's parser takes", () => {
    for (let i = 0; i < 50; i += 1) {
      const lines = validLines(inputRandom(13, 'lines', `${i}`), NOW);
      const batches = lineClientsToBatches(parseLineProtocol(lines.join('\n')), NOW);
      expect(batches.length).toBeGreaterThan(0);
    }
    const flood = lineBody(inputRandom(13, 'lines', 'h1'), NOW, 'heavy');
    expect(['empty-clients', 'many-events']).toContain(flood.shape);
  });

  it('put filters in query strings that read back as the same filter', () => {
    let compared = 0;
    for (let i = 0; i < 300; i += 1) {
      const random = inputRandom(17, 'query', `${i}`);
      const filter = randomFilter(random, false);
      // Commas split items and empty items are dropped: only those filters read back whole.
      const plain = (items: readonly string[]) =>
        items.every(item => item !== '' && !item.includes(','));
      if (!plain(filter.names) || !plain(filter.clients)) continue;
      const lone = /[\ud800-\udfff]/;
      if ([...filter.names, ...filter.clients].some(item => lone.test(item))) continue;
      const parsed = parseQuery(new URLSearchParams(filterQuery(filter, random)), READ_PARAMS);
      expect(parsed.filter).toEqual({
        names: filter.names,
        clients: filter.clients,
        regex: filter.regex,
      });
      compared += 1;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('save inputs with their bytes exactly', () => {
    const input = {
      shape: 'mutated',
      bytes: Buffer.from([0, 255, 10, 13]),
      nested: { body: Buffer.from('ü') },
    };
    const back = inputFromJson(inputToJson(input)) as typeof input;
    expect(back.bytes.equals(input.bytes)).toBe(true);
    expect(back.nested.body.toString('utf8')).toBe('ü');
    expect(back.shape).toBe('mutated');
  });

  it('frame HTTP requests with their length', () => {
    const bytes = requestBytes({
      shape: 'x',
      method: 'POST',
      path: '/post',
      headers: { accept: '*/*' },
      body: Buffer.from('1\n'),
    });
    expect(bytes.toString('latin1')).toBe(
      'POST /post HTTP/1.1\r\nhost: fuzz\r\naccept: */*\r\ncontent-length: 2\r\n\r\n1\n',
    );
  });
});

describe('the fuzz verdicts', () => {
  it('take clear refusals as handled and INTERNAL, UNKNOWN, UNAVAILABLE as crashes', () => {
    expect(grpcVerdict(status.OK)).toBe('ok');
    for (const code of [
      status.INVALID_ARGUMENT,
      status.RESOURCE_EXHAUSTED,
      status.FAILED_PRECONDITION,
      status.NOT_FOUND,
      status.UNAUTHENTICATED,
      status.PERMISSION_DENIED,
    ]) {
      expect(grpcVerdict(code)).toBe('refused');
    }
    for (const code of [
      status.INTERNAL,
      status.UNKNOWN,
      status.UNAVAILABLE,
      status.DATA_LOSS,
      status.CANCELLED,
      status.UNIMPLEMENTED,
    ]) {
      expect(grpcVerdict(code)).toBe('crash');
    }
    expect(grpcVerdict(status.DEADLINE_EXCEEDED)).toBe('hang');
  });

  it('take 2xx as handled, 4xx as refused and 5xx as crashes', () => {
    expect(
      [200, 204, 400, 404, 413, 429, 431, 500, 503, 504].map(code => httpVerdict(code)),
    ).toEqual([
      'ok',
      'ok',
      'refused',
      'refused',
      'refused',
      'refused',
      'refused',
      'crash',
      'crash',
      'crash',
    ]);
    expect(httpVerdict(503, 'OVERLOADED')).toBe('refused');
    expect(httpVerdict(503, 'NO_INSTANCE')).toBe('crash');
  });
});
