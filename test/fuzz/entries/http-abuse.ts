// The REST bridge's HTTP layer: huge and many headers, malformed heads and framing, pipelined
// requests, slow heads and bodies (bounded to ~1.5 s each) and held-open connections, while a
// probe request must still be answered in time.
import type { SeededRandom } from '../../../libs/common/src/test-support/seeded-random.js';
import { sized } from '../sizes.js';
import { mutateBytes } from '../byte-mutator.js';
import type { EntryPoint, FuzzInput, InputMode } from '../fuzz-input.js';
import type { RawExchange, RawPart } from '../raw-http.js';
import { holdConnections, rawExchange } from '../raw-http.js';
import type { Answer } from '../verdicts.js';

export type AbuseInput =
  | (FuzzInput & {
      readonly kind: 'exchange';
      readonly parts: RawPart[];
      readonly responses: number;
    })
  | (FuzzInput & {
      readonly kind: 'hold';
      readonly connections: number;
      readonly head: Buffer;
      readonly holdMs: number;
    });

/** The longest a slow input trickles, ms: the run's time is bounded. */
const SLOW_MS = 1500;
const PROBE = Buffer.from('GET /v1/names?name=fuzz.probe HTTP/1.1\r\nhost: fuzz\r\n\r\n');

const head = (lines: readonly string[]) => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
const POST_HEAD = (length: number | string, extra: readonly string[] = []) =>
  head([
    'POST /v1/events HTTP/1.1',
    'host: fuzz',
    'content-type: application/json',
    `content-length: ${length}`,
    ...extra,
  ]);
const EVENTS = '{"client":"fuzz-slow","events":[{"name":"fuzz.counter_group.0","value":1}]}';

const FRAMING: readonly (readonly string[])[] = [
  ['POST /v1/events HTTP/1.1', 'host: fuzz', 'content-length: -1'],
  ['POST /v1/events HTTP/1.1', 'host: fuzz', 'content-length: 10', 'content-length: 20'],
  ['POST /v1/events HTTP/1.1', 'host: fuzz', 'content-length: 5', 'transfer-encoding: chunked'],
  ['POST /v1/events HTTP/1.1', 'host: fuzz', 'transfer-encoding: chunked, identity'],
  ['POST /v1/events HTTP/1.1', 'host: fuzz', 'content-length: 99999999999999999999'],
  ['GET /v1/status HTTP/9.9', 'host: fuzz'],
  ['GET  /v1/status HTTP/1.1', 'host: fuzz'],
  ['GET /v1/status', 'host: fuzz'],
  ['get /v1/status HTTP/1.1', 'host: fuzz'],
  ['GET /v1/status HTTP/1.1', 'host: fuzz', 'host: other'],
  ['GET /v1/status HTTP/1.1', ' folded: header'],
  ['GET /v1/status HTTP/1.1', 'bad header'],
  ['GET /v1/status HTTP/1.1', 'x: \u0000'],
  ['GET http://fuzz/v1/status HTTP/1.1', 'host: fuzz'],
  ['GET /v1/st\u00e4tus HTTP/1.1', 'host: fuzz'],
  ['CONNECT fuzz:80 HTTP/1.1', 'host: fuzz'],
  ['GET /v1/status HTTP/1.1', 'host: fuzz', 'expect: 100-continue'],
  ['GET /v1/status HTTP/1.1', 'host: fuzz', 'upgrade: h2c', 'connection: upgrade'],
];

function chunked(random: SeededRandom): Buffer {
  const size = random.pick([
    'zz',
    'ffffffffffffffff',
    '-1',
    '5;ext=1',
    '0',
    `${EVENTS.length.toString(16)}`,
  ]);
  return Buffer.concat([
    head(['POST /v1/events HTTP/1.1', 'host: fuzz', 'transfer-encoding: chunked']).subarray(0, -2),
    Buffer.from(`\r\n${size}\r\n${EVENTS}\r\n0\r\n\r\n`),
  ]);
}

/** Splits `bytes` into `count` parts spread over `totalMs`. */
function trickle(bytes: Buffer, count: number, totalMs: number): RawPart[] {
  const size = Math.ceil(bytes.length / count);
  const parts: RawPart[] = [];
  for (let at = 0; at < bytes.length; at += size)
    parts.push({ bytes: bytes.subarray(at, at + size), delayMs: Math.floor(totalMs / count) });
  return parts;
}

/**
 * Cheap: heads huge, many, malformed or pipelined (answered at once). Heavy: slow heads and
 * bodies, held connections, and the largest heads.
 */
function generate(random: SeededRandom, mode: InputMode): AbuseInput {
  const heavy = mode === 'heavy';
  const roll = heavy ? random.pick([0, 1, 4, 5, 6, 7, 8]) : random.int(0, 4);
  const exchange = (shape: string, parts: RawPart[], responses = 1): AbuseInput => ({
    shape,
    kind: 'exchange',
    parts,
    responses,
  });
  switch (roll) {
    case 0:
      return exchange('huge-header', [
        {
          bytes: head([
            'GET /v1/status HTTP/1.1',
            'host: fuzz',
            `x-fuzz: ${'a'.repeat(sized(random, 1_000_000, heavy))}`,
          ]),
        },
      ]);
    case 1: {
      const lines = ['GET /v1/names?name=x HTTP/1.1', 'host: fuzz'];
      for (let i = sized(random, 20_000, heavy); i > 0; i -= 1) lines.push(`x-h${i}: v`);
      return exchange('many-headers', [{ bytes: head(lines) }]);
    }
    case 2:
      return exchange('framing', [
        { bytes: random.next() < 0.7 ? head(random.pick(FRAMING)) : chunked(random) },
      ]);
    case 3:
      return exchange('mutated-head', [
        {
          bytes: mutateBytes(
            Buffer.concat([POST_HEAD(EVENTS.length), Buffer.from(EVENTS)]),
            random,
          ),
        },
      ]);
    case 4: {
      const count = sized(random, 200, heavy);
      return exchange(
        'pipelined',
        [{ bytes: Buffer.concat(Array.from({ length: count }, () => PROBE)) }],
        count,
      );
    }
    case 5: {
      const whole = Buffer.concat([PROBE.subarray(0, -2), Buffer.from('x-slow: 1\r\n\r\n')]);
      return exchange('slow-head', trickle(whole, random.int(2, 30), random.int(100, SLOW_MS)));
    }
    case 6: {
      const body = Buffer.from(EVENTS);
      return exchange('slow-body', [
        { bytes: POST_HEAD(body.length) },
        ...trickle(body, random.int(2, 30), random.int(100, SLOW_MS)),
      ]);
    }
    case 7:
      // Announces more body than it sends: the answer may only come when the server gives up.
      return {
        shape: 'held-body',
        kind: 'hold',
        connections: sized(random, 256, true),
        head: POST_HEAD(1_000_000),
        holdMs: random.int(200, SLOW_MS),
      };
    default:
      return {
        shape: 'held-head',
        kind: 'hold',
        connections: sized(random, 256, true),
        head: PROBE.subarray(0, random.int(1, PROBE.length - 3)),
        holdMs: random.int(200, SLOW_MS),
      };
  }
}

/**
 * 5xx is a crash; no answer even after this side ended is a hang; an answer only after the
 * end, or a close, is the server refusing an incomplete or broken request.
 */
function judge(exchange: RawExchange, expected: number): Answer {
  const worst = Math.max(0, ...exchange.statuses);
  const seen = exchange.statuses.length;
  const status = seen > 0 ? `HTTP ${worst}` : exchange.closed ? 'closed' : 'no answer';
  const detail = `${seen}/${expected} answers${exchange.ended ? ' (after the end)' : ''}${exchange.error ? `, ${exchange.error}` : ''}`;
  const answer = (verdict: Answer['verdict']): Answer => ({
    status,
    verdict,
    detail,
    latencyMs: exchange.answerMs,
  });
  if (worst >= 500) return answer('crash');
  if (!exchange.closed && seen < expected) return answer('hang');
  const clean = seen === expected && !exchange.ended && exchange.statuses.every(code => code < 300);
  return answer(clean ? 'ok' : 'refused');
}

export function httpAbuse(restUrl: string): EntryPoint<AbuseInput> {
  const url = new URL(restUrl);
  const host = url.hostname;
  const port = Number(url.port);
  return {
    generate,
    async send(input, timeoutMs) {
      // Half the time for an answer, then this side ends and the other half is for the reaction.
      const waitMs = timeoutMs / 2;
      if (input.kind === 'exchange') {
        const exchange = await rawExchange(host, port, input.parts, input.responses, waitMs);
        return judge(exchange, input.responses);
      }
      const held = await holdConnections(host, port, input.connections, input.head);
      try {
        await new Promise(wake => setTimeout(wake, Math.min(100, input.holdMs)));
        // While they hold on, a plain request must still be answered in time.
        const probe = await rawExchange(host, port, [{ bytes: PROBE }], 1, waitMs);
        await new Promise(wake => setTimeout(wake, Math.max(0, input.holdMs - 100)));
        return judge(probe, 1);
      } finally {
        for (const socket of held) socket.destroy();
      }
    },
  };
}
