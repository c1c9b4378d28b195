/**
 * What a token grants: `read` (Aggregates, projections, lists, status), `admin` (delete Tabs,
 * status details; implies read) and `write` for a set of client IDs. Pure: no I/O.
 */

/** A scope a call needs. */
export type Scope = 'read' | 'write' | 'admin';

/**
 * Client IDs a token may write for: exact names, or prefixes written `<prefix>*` (`*` alone is
 * every client). Only a final `*` is a wildcard (client IDs may contain `*`).
 */
export interface ClientPatterns {
  readonly exact: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

export interface Grant {
  /** The token's name in the tokens file (logs, never the token). */
  readonly name: string;
  readonly read: boolean;
  readonly admin: boolean;
  readonly write: ClientPatterns;
}

/** What every caller has with TABA_AUTH=off. */
export const OPEN_GRANT: Grant = Object.freeze({
  name: 'anonymous',
  read: true,
  admin: true,
  write: { exact: new Set<string>(), prefixes: [''] },
});

/** The grammar of one scope in a tokens file. */
export const SCOPE_GRAMMAR = '"read", "admin", "write:<client ID>" or "write:<prefix>*"';

/** Parses a token's scope list; throws an Error naming the first bad scope. */
export function grantOf(name: string, scopes: readonly string[]): Grant {
  let read = false;
  let admin = false;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const scope of scopes) {
    if (scope === 'read') read = true;
    else if (scope === 'admin') admin = true;
    else if (scope.startsWith('write:') && scope.length > 'write:'.length) {
      const pattern = scope.slice('write:'.length);
      if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
      else exact.add(pattern);
    } else {
      throw new Error(`unknown scope ${JSON.stringify(scope)}; expected ${SCOPE_GRAMMAR}`);
    }
  }
  return Object.freeze({ name, read: read || admin, admin, write: { exact, prefixes } });
}

/** Whether the grant has `scope` (write: for at least one client ID). */
export function hasScope(grant: Grant, scope: Scope): boolean {
  if (scope === 'read') return grant.read;
  if (scope === 'admin') return grant.admin;
  return grant.write.exact.size > 0 || grant.write.prefixes.length > 0;
}

/** Whether the grant may write batches of `clientId`. */
export function mayWrite(grant: Grant, clientId: string): boolean {
  const { exact, prefixes } = grant.write;
  return exact.has(clientId) || prefixes.some(prefix => clientId.startsWith(prefix));
}

/** Whether the grant may write for every client ID (no batch needs its client ID read). */
export function writesAnyClient(grant: Grant): boolean {
  return grant.write.prefixes.includes('');
}

/** The gRPC methods of taba.v1.Taba that write. */
const WRITE_METHODS = new Set(['PostEvents', 'StreamEvents', 'PostEventsStream']);
/** The methods that need admin; every other method reads. */
const ADMIN_METHODS = new Set(['DeleteTabs']);

/** The scope a `/taba.v1.Taba/<Method>` call needs. */
export function scopeOfMethod(path: string): Scope {
  const method = path.slice(path.lastIndexOf('/') + 1);
  if (WRITE_METHODS.has(method)) return 'write';
  if (ADMIN_METHODS.has(method)) return 'admin';
  return 'read';
}

/** The scope of a REST request: POST writes, DELETE needs admin, the rest reads. */
export function scopeOfRoute(method: string): Scope {
  if (method === 'POST') return 'write';
  if (method === 'DELETE') return 'admin';
  return 'read';
}
