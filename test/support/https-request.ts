// One HTTP(S) request with node:http/node:https, for what fetch cannot do: trust a test CA,
// present a client certificate, or speak plaintext to a TLS port.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';

export interface TlsRequestOptions {
  readonly method?: string;
  readonly body?: string;
  /** CA file the server's certificate must chain to. @default the system's CAs */
  readonly caFile?: string;
  /** Client certificate and key files (mTLS). */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
}

export interface TlsAnswer {
  readonly status: number;
  readonly text: string;
  readonly json: unknown;
}

/** Resolves the answer, or rejects with the connection's error (a refused handshake, a reset). */
export function requestUrl(url: string, options: TlsRequestOptions = {}): Promise<TlsAnswer> {
  const secure = url.startsWith('https:');
  const read = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file));
  const tls = secure
    ? {
        ...(options.caFile && { ca: read(options.caFile) }),
        ...(options.certFile && { cert: read(options.certFile) }),
        ...(options.keyFile && { key: read(options.keyFile) }),
      }
    : {};
  const send = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: options.method ?? 'GET',
        timeout: options.timeoutMs ?? 5000,
        // A fresh connection each time: a pooled one would hide what a new handshake gets.
        agent: false,
        headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
        ...tls,
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, text, json });
        });
      },
    );
    request.once('timeout', () => request.destroy(new Error('timed out')));
    request.once('error', reject);
    request.end(options.body);
  });
}

/** The error a request failed with (fails the test if it succeeded). */
export async function requestError(url: string, options: TlsRequestOptions = {}): Promise<Error> {
  try {
    const answer = await requestUrl(url, options);
    throw new Error(`expected ${url} to fail, but it answered ${answer.status}: ${answer.text}`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('expected ')) throw error;
    return error as Error;
  }
}
