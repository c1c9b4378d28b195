// HTTP requests to the REST bridge over kept-alive connections, judged as answers.
import type { OutgoingHttpHeaders } from 'node:http';
import { Agent, request } from 'node:http';
import type { Answer } from './verdicts.js';
import { httpVerdict } from './verdicts.js';

export interface HttpInput {
  readonly shape: string;
  readonly method: string;
  /** Path and query string, sent as given (not re-encoded). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

/** The `reason` of a Taba error body, when the answer is one. */
function reasonOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { reason?: string; message?: string } };
    return parsed.error
      ? `${parsed.error.reason}: ${parsed.error.message}`.slice(0, 300)
      : undefined;
  } catch {
    return body.slice(0, 120);
  }
}

export class HttpTarget {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, connections: number) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  send(input: HttpInput, timeoutMs: number): Promise<Answer> {
    return new Promise(resolve => {
      let settled = false;
      const settle = (answer: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(answer);
      };
      const headers: OutgoingHttpHeaders = { ...input.headers };
      if (input.body) headers['content-length'] = input.body.length;
      const call = request(
        {
          host: this.host,
          port: this.port,
          method: input.method,
          path: input.path,
          headers,
          agent: this.agent,
        },
        response => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const code = response.statusCode ?? 0;
            const verdict = httpVerdict(code);
            const detail =
              verdict === 'ok' ? undefined : reasonOf(Buffer.concat(chunks).toString('utf8'));
            settle({
              status: `HTTP ${code}`,
              verdict,
              ...(detail === undefined ? {} : { detail }),
            });
          });
          response.on('error', error =>
            settle({ status: 'no answer', verdict: 'crash', detail: error.message }),
          );
        },
      );
      const timer = setTimeout(() => {
        settle({ status: 'no answer', verdict: 'hang', detail: `none in ${timeoutMs} ms` });
        call.destroy();
      }, timeoutMs);
      call.on('error', (error: NodeJS.ErrnoException) =>
        settle({
          status: 'no answer',
          verdict: 'crash',
          detail: `${error.code ?? ''} ${error.message}`,
        }),
      );
      call.end(input.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
