// The REST calls the page makes (docs/rest.md), with the session's bearer token; a failure
// becomes an ApiError carrying the HTTP status and the gateway's gRPC code and reason.

/** Where the token is kept: this browser tab's session only, never localStorage. */
const TOKEN_KEY = 'taba.token';

export function sessionToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setSessionToken(token: string): void {
  if (token === '') sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** 0 when no answer came (network, aborted). */
    readonly status: number,
    /** The gRPC status name, e.g. NOT_FOUND, or HTTP / NETWORK. */
    readonly code: string,
    /** The gateway's stable reason, e.g. UNKNOWN_TAB, QUERY_TOO_LARGE. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }

  /** One line for the page, e.g. `HTTP 404 NOT_FOUND UNKNOWN_TAB: no Tab named x`. */
  describe(): string {
    const status = this.status === 0 ? 'no answer' : `HTTP ${this.status}`;
    return `${status} ${this.code} ${this.reason}: ${this.message}`;
  }
}

export type Params = Readonly<Record<string, string | readonly string[] | boolean | undefined>>;

/** The query string: lists comma-joined (names never hold a comma), `true` as 1. */
export function queryString(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === false) continue;
    if (value === true) search.set(key, '1');
    else if (typeof value === 'string') search.set(key, value);
    else if (value.length > 0) search.set(key, value.join(','));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as {
      error?: { code?: string; reason?: string; message?: string };
    };
    const error = body.error;
    if (error !== undefined) {
      return new ApiError(
        response.status,
        error.code ?? 'HTTP',
        error.reason ?? 'UNKNOWN',
        error.message ?? response.statusText,
      );
    }
  } catch {
    // Not the gateway's JSON error (a proxy's page?): show its start.
  }
  return new ApiError(response.status, 'HTTP', response.statusText || 'ERROR', text.slice(0, 200));
}

/** GET `path` with `params`; resolves the JSON answer, rejects with an ApiError. */
export async function apiGet(path: string, params: Params, signal?: AbortSignal): Promise<unknown> {
  const token = sessionToken();
  let response: Response;
  try {
    response = await fetch(`${path}${queryString(params)}`, {
      headers: token === '' ? {} : { authorization: `Bearer ${token}` },
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ApiError(0, 'NETWORK', 'UNREACHABLE', `the gateway did not answer: ${message}`);
  }
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as unknown;
}
