import { InvalidArgumentError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import {
  lineClientsToBatches,
  MALFORMED_BODY,
  parseLineProtocol,
  unknownTypeReason,
} from './line-protocol.js';

/** Lines joined as Taba's encoder joins them (the last '' gives the closing newline). */
function body(...lines: string[]): string {
  return lines.join('\n');
}

function failureOf(text: string): InvalidArgumentError {
  try {
    parseLineProtocol(text);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('parseLineProtocol', () => {
  it('reads several clients with several names, payloads encoded twice', () => {
    const clients = parseLineProtocol(
      body(
        '1',
        '',
        'c1',
        '',
        'bid',
        '["CounterGroup", 1234567890, "321"]',
        '["Counter", 1234567891.5, "0.25"]',
        '',
        'who',
        '["Gauge", 1234567892, "\\"alice\\""]',
        '',
        '',
        'c2',
        '',
        'bid',
        '["CounterGroup", 1234567893, "-4"]',
        '',
        '',
        '',
      ),
    );

    expect(clients).toEqual([
      {
        clientId: 'c1',
        line: 3,
        events: [
          { line: 6, name: 'bid', type: 'COUNTER_GROUP', timestamp: 1234567890, value: 321 },
          { line: 7, name: 'bid', type: 'COUNTER_GROUP', timestamp: 1234567891.5, value: 0.25 },
          { line: 10, name: 'who', type: 'GAUGE', timestamp: 1234567892, value: 'alice' },
        ],
        unknownTypes: [],
      },
      {
        clientId: 'c2',
        line: 13,
        events: [
          { line: 16, name: 'bid', type: 'COUNTER_GROUP', timestamp: 1234567893, value: -4 },
        ],
        unknownTypes: [],
      },
    ]);
  });

  it('reads ExpiryGauge and Buffer payloads as [value, expiry]', () => {
    const [client] = parseLineProtocol(
      body(
        '1',
        '',
        'c1',
        '',
        'temp',
        '["ExpiryGauge", 100, "[21.5, 200]"]',
        '',
        'recent',
        '["Buffer", 101, "[\\"job-7\\", 300]"]',
        '',
        '',
        '',
      ),
    );
    expect(client?.events).toEqual([
      { line: 6, name: 'temp', type: 'EXPIRY_GAUGE', timestamp: 100, value: 21.5, expiry: 200 },
      { line: 9, name: 'recent', type: 'BUFFER', timestamp: 101, value: 'job-7', expiry: 300 },
    ]);
  });

  it('maps every Taba type string', () => {
    const types = [
      'Counter',
      'CounterGroup',
      'Percentile',
      'PercentileGroup',
      'TotalsCounter',
      'Gauge',
      'ExpiryGauge',
      'Buffer',
    ];
    const [client] = parseLineProtocol(
      body('1', '', 'c', '', 'n', ...types.map(type => `["${type}", 1, "1"]`), ''),
    );
    expect(client?.events.map(event => event.type)).toEqual([
      'COUNTER_GROUP',
      'COUNTER_GROUP',
      'PERCENTILE_GROUP',
      'PERCENTILE_GROUP',
      'TOTALS_COUNTER',
      'GAUGE',
      'EXPIRY_GAUGE',
      'BUFFER',
    ]);
  });

  it('tolerates a missing final blank line, CRLF line ends and a trailing newline only', () => {
    const withoutClose = body('1', '', 'c1', '', 'bid', '["CounterGroup", 1, "2"]');
    expect(parseLineProtocol(withoutClose)[0]?.events).toHaveLength(1);
    expect(parseLineProtocol(`${withoutClose}\n`)[0]?.events).toHaveLength(1);
    expect(parseLineProtocol(withoutClose.replaceAll('\n', '\r\n'))[0]?.events).toHaveLength(1);
    expect(parseLineProtocol('1\n\n')).toEqual([]);
    expect(parseLineProtocol('1')).toEqual([]);
  });

  it('merges a client that appears twice', () => {
    const clients = parseLineProtocol(
      body(
        '1',
        '',
        'c1',
        '',
        'a',
        '["Gauge", 1, "1"]',
        '',
        '',
        'c1',
        '',
        'b',
        '["Gauge", 2, "2"]',
        '',
      ),
    );
    expect(clients).toHaveLength(1);
    expect(clients[0]?.events.map(event => event.name)).toEqual(['a', 'b']);
  });

  it.each([
    ['', 1, 'the body is empty'],
    ['2\n\n', 1, 'expected the protocol version 1, got "2"'],
    ['1\nc1\n', 2, 'expected a blank line after the protocol version'],
    ['1\n\nc1\nbid\n', 4, 'expected a blank line after the client ID'],
    ['1\n\nc1\n\nbid\nnot json\n', 6, 'an event must be a JSON array'],
    ['1\n\nc1\n\nbid\n["CounterGroup", 1]\n', 6, 'an event must be a JSON array of 3 items'],
    ['1\n\nc1\n\nbid\n[7, 1, "1"]\n', 6, 'the type must be a string, got 7'],
    ['1\n\nc1\n\nbid\n["Gauge", "soon", "1"]\n', 6, 'the timestamp must be a number'],
    ['1\n\nc1\n\nbid\n["Gauge", 1, 321]\n', 6, 'the payload must be JSON text inside a string'],
    ['1\n\nc1\n\nbid\n["Gauge", 1, "{oops"]\n', 6, 'the payload "{oops" is not JSON text'],
    [
      '1\n\nc1\n\nbid\n["Gauge", 1, "{\\"a\\":1}"]\n',
      6,
      'the payload must be a number, a string or [value, expiry]',
    ],
    [
      '1\n\nc1\n\nbid\n["Buffer", 1, "[1, \\"x\\"]"]\n',
      6,
      'the payload must be a number, a string or [value, expiry]',
    ],
    ['1\n\nc1\n\nbid\n["Gauge", 1, "1"]\n\n\n\nmore\n', 10, 'content after the end of the body'],
  ])('refuses %j at line %i', (text, line, message) => {
    const failure = failureOf(text);
    expect(failure.reason).toBe(MALFORMED_BODY);
    expect(failure.message).toContain(`line ${line}: ${message}`);
  });
});

describe('lineClientsToBatches', () => {
  it('makes one seq-0 batch per client, one column per name, type and value kind, origins being lines', () => {
    const batches = lineClientsToBatches(
      parseLineProtocol(
        body(
          '1',
          '',
          'c1',
          '',
          'bid',
          '["CounterGroup", 10, "1"]',
          '["CounterGroup", 11, "2"]',
          '',
          'who',
          '["Gauge", 12, "\\"alice\\""]',
          '["Gauge", 13, "7"]',
          '',
          '',
          'c2',
          '',
          'temp',
          '["ExpiryGauge", 14, "[1, 99]"]',
          '',
          '',
          '',
        ),
      ),
      1000,
    );

    expect(batches.map(batch => [batch.clientId, batch.line])).toEqual([
      ['c1', 3],
      ['c2', 14],
    ]);
    const [first, second] = batches;
    expect(first?.built.batch).toEqual({
      clientId: 'c1',
      seq: 0,
      sentAt: 0,
      tabs: [
        {
          name: 'bid',
          type: 'COUNTER_GROUP',
          timestamps: [10, 11],
          values: [1, 2],
          strings: [],
          expiries: [],
          bounds: [],
        },
        {
          name: 'who',
          type: 'GAUGE',
          timestamps: [12],
          values: [],
          strings: ['alice'],
          expiries: [],
          bounds: [],
        },
        {
          name: 'who',
          type: 'GAUGE',
          timestamps: [13],
          values: [7],
          strings: [],
          expiries: [],
          bounds: [],
        },
      ],
    });
    expect(first?.built.origins).toEqual([[6, 7], [10], [11]]);
    expect(second?.built.batch.tabs).toEqual([
      {
        name: 'temp',
        type: 'EXPIRY_GAUGE',
        timestamps: [14],
        values: [1],
        strings: [],
        expiries: [99],
        bounds: [],
      },
    ]);
    expect(second?.built.origins).toEqual([[17]]);
  });
});

describe('parseLineProtocol limits', () => {
  const body = (clients: number, events = 0) => {
    let text = '1\n\n';
    for (let c = 0; c < clients; c += 1) {
      text += `c${c}\n\nn\n`;
      for (let e = 0; e < events; e += 1) text += '["CounterGroup", 1763800000, "1"]\n';
      text += '\n\n';
    }
    return `${text}\n`;
  };

  it('takes a body at the limits', () => {
    const clients = parseLineProtocol(body(3, 4), { maxClients: 3, maxEventsPerClient: 4 });
    expect(clients.map(client => client.events.length)).toEqual([4, 4, 4]);
  });

  it('refuses the first client past TABA_POST_MAX_CLIENTS with 413, naming its line', () => {
    expect(() =>
      parseLineProtocol(body(4), { maxClients: 3, maxEventsPerClient: 10 }),
    ).toThrowError(
      expect.objectContaining({
        httpStatus: 413,
        reason: 'TOO_MANY_CLIENTS',
        message: expect.stringMatching(/^line 18: the body has more than 3 client IDs/),
      }),
    );
  });

  it('refuses a client past TABA_MAX_BATCH_EVENTS events with 413', () => {
    expect(() =>
      parseLineProtocol(body(1, 5), { maxClients: 3, maxEventsPerClient: 4 }),
    ).toThrowError(expect.objectContaining({ httpStatus: 413, reason: 'BATCH_TOO_LARGE' }));
  });

  it('refuses 1.6 million empty clients in a 16 MiB body at the first one too many', () => {
    const flood = `1\n\n${Array.from({ length: 1_600_000 }, (_, i) => `${i}\n\n\n`).join('')}\n`;
    const started = performance.now();
    expect(() =>
      parseLineProtocol(flood, { maxClients: 1000, maxEventsPerClient: 10 }),
    ).toThrowError(/more than 1000 client IDs/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('parseLineProtocol number events', () => {
  const one = (event: string) => parseLineProtocol(`1\n\nc\n\nn\n${event}\n\n\n\n`)[0]?.events[0];

  it('reads them exactly as JSON does, whatever the spacing', () => {
    for (const line of [
      '["CounterGroup", 1763800000, "0.25"]',
      '["CounterGroup",1763800000,"0.25"]',
      '[ "CounterGroup" , 1763800000 , "0.25" ]',
      '["CounterGroup", 1763800000, " 0.25"]',
    ]) {
      expect(one(line)).toEqual({
        line: 6,
        name: 'n',
        type: 'COUNTER_GROUP',
        timestamp: 1_763_800_000,
        value: 0.25,
      });
    }
    expect(one('["Gauge", 1.7638e9, "-2.5E-3"]')).toMatchObject({
      timestamp: 1.7638e9,
      value: -0.0025,
    });
  });

  it('refuses what JSON refuses', () => {
    expect(() => one('["CounterGroup", 1763800000, "01"]')).toThrowError(/is not JSON text/);
    expect(() => one('["CounterGroup", 01, "1"]')).toThrowError(/an event must be a JSON array/);
    expect(() => one('["CounterGroup", 1e400, "1"]')).toThrowError(/timestamp must be a number/);
    expect(one('["Nope", 1763800000, "1"]')).toBeUndefined();
  });
});

describe('parseLineProtocol unknown types', () => {
  it('sets an event of an unknown type aside, with its line, and keeps the others', () => {
    const [client] = parseLineProtocol(
      '1\n\njava-1\n\nlat\n["PercentileCountr", 1763800000, "5"]\n["PercentileCounter", 1763800000, "7"]\n["Nope", 1763800001, "[\\"x\\", 1]"]\n\n\n\n',
    );
    expect(client?.events).toEqual([
      { line: 7, name: 'lat', type: 'COUNTER_GROUP', timestamp: 1_763_800_000, value: 7 },
    ]);
    expect(client?.unknownTypes).toEqual([
      { line: 6, name: 'lat', type: 'PercentileCountr' },
      { line: 8, name: 'lat', type: 'Nope' },
    ]);
  });

  it('counts them against the events of a client', () => {
    const text = '1\n\nc\n\nn\n["Nope", 1, "1"]\n["Gauge", 1, "1"]\n';
    expect(() => parseLineProtocol(text, { maxClients: 10, maxEventsPerClient: 1 })).toThrowError(
      'line 7: client "c" has more than 1 events',
    );
  });

  it('names the known types in the reason', () => {
    expect(unknownTypeReason('Nope')).toBe(
      'unknown type "Nope"; known types are CounterGroup, PercentileGroup, TotalsCounter, Gauge, ExpiryGauge, Buffer, Unique, Histogram and Taba\'s other spellings (docs/taba-compatibility.md)',
    );
  });
});
