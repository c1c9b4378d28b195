// Text that is not UTF-8 through the whole stack: TellApart's Java client posts `/post` as
// ISO-8859-1 without a charset, and the Gauge value `grün` is stored and read back as `grün`;
// a `/v1/events` body that is not UTF-8 is refused with INVALID_ENCODING and stores nothing.
import { describe, expect, it } from 'vitest';
import { useGatewayStack } from '../support/gateway-stack.js';

const NOW = Math.floor(Date.now() / 1000);
const { stack } = useGatewayStack({ redisShards: 1 });

async function rest(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack().restUrl}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('text encodings end to end', () => {
  it('stores a Latin-1 /post Gauge value sent without charset as grün', async () => {
    const body = Buffer.from(
      `1\n\njava-agent\n\nenc.mode\n["Gauge", ${NOW}, "\\"grün\\""]\n\n\n\n`,
      'latin1',
    );
    expect(body.includes(Buffer.from([0x67, 0x72, 0xfc, 0x6e]))).toBe(true);
    const posted = await rest('/post', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(posted).toEqual({
      status: 200,
      body: { applied: 1, rejectedCount: 0, rejected: [] },
    });
    const read = await rest('/v1/tabs?name=enc.mode');
    expect(read).toEqual({ status: 200, body: { 'enc.mode': { values: { grün: 1 } } } });
  });

  it('honours charset=iso-8859-1 and refuses /v1/events bytes that are not UTF-8', async () => {
    const latin1 = Buffer.from(
      `1\n\njava-agent-2\n\nenc.city\n["Gauge", ${NOW}, "\\"Köln\\""]\n\n\n\n`,
      'latin1',
    );
    const posted = await rest('/post', {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=ISO-8859-1' },
      body: latin1,
    });
    expect(posted.body).toMatchObject({ applied: 1 });
    const refused = await rest('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(
        '{"client":"json-1","events":[{"name":"enc.json","type":"GAUGE","value":"grün"}]}',
        'latin1',
      ),
    });
    expect(refused).toEqual({
      status: 400,
      body: {
        error: {
          code: 'INVALID_ARGUMENT',
          reason: 'INVALID_ENCODING',
          message: 'the body is not valid UTF-8; send UTF-8 (or name its charset in Content-Type)',
        },
      },
    });
    const read = await rest('/v1/tabs?name=enc.city');
    expect(read.body).toEqual({ 'enc.city': { values: { Köln: 1 } } });
    const nothing = await rest('/v1/tabs?name=enc.json');
    expect(nothing.status).toBe(404);
    expect(nothing.body).toMatchObject({ error: { reason: 'UNKNOWN_TAB' } });
  });
});
