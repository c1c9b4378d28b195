import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createLogger, isTabaError } from '@taba/common';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayAuth } from './gateway-auth.js';

const sha = (token: string) => createHash('sha256').update(token).digest('hex');
const logger = createLogger({ service: 'gateway', level: 'silent' });

function tokensYaml(entries: Record<string, readonly string[]>): string {
  const lines = Object.entries(entries).map(
    ([token, scopes]) =>
      `  - {name: ${token}-name, sha256: ${sha(token)}, scopes: ${JSON.stringify(scopes)}}`,
  );
  return `tokens:\n${lines.join('\n')}\n`;
}

/** [kind, reason] of what `run` throws, or 'ok'. */
function outcome(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (!isTabaError(error)) throw error;
    return `${error.kind} ${error.reason}`;
  }
}

describe('GatewayAuth', () => {
  let dir: string;
  let path: string;
  let auth: GatewayAuth | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'taba-auth-'));
    path = join(dir, 'tokens.yaml');
    writeFileSync(
      path,
      tokensYaml({ 'reader-token': ['read'], 'bidder-token': ['write:bidder-*'], root: ['admin'] }),
    );
  });
  afterEach(() => {
    auth?.close();
    auth = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    auth = await GatewayAuth.start(
      { mode: 'required', tokensFile: path, reloadIntervalMs: 50 },
      logger,
    );
    return auth;
  };

  it('off lets everything through and counts nothing', () => {
    const off = GatewayAuth.off();
    expect(outcome(() => off.authenticate(undefined, 'admin', 'DeleteTabs'))).toBe('ok');
    const grant = off.authenticate(undefined, 'write', 'PostEvents');
    expect(outcome(() => off.authorizeClients(grant, ['anyone']))).toBe('ok');
    expect(off.metrics()).toMatchObject({ 'auth.required': 0, 'auth.refused.TOKEN_MISSING': 0 });
  });

  it('refuses a missing, unknown or malformed token and a missing scope, and counts each', async () => {
    const required = await start();
    expect(outcome(() => required.authenticate(undefined, 'read', 'GET /v1/tabs'))).toBe(
      'UNAUTHENTICATED TOKEN_MISSING',
    );
    expect(outcome(() => required.authenticate('nobody', 'read', 'GET /v1/tabs'))).toBe(
      'UNAUTHENTICATED TOKEN_INVALID',
    );
    expect(outcome(() => required.authenticate('', 'read', 'GET /v1/tabs'))).toBe(
      'UNAUTHENTICATED TOKEN_INVALID',
    );
    expect(outcome(() => required.authenticate('reader-token', 'admin', 'DELETE /v1/tabs'))).toBe(
      'PERMISSION_DENIED SCOPE_MISSING',
    );
    expect(outcome(() => required.authenticate('bidder-token', 'read', 'GET /v1/tabs'))).toBe(
      'PERMISSION_DENIED SCOPE_MISSING',
    );
    expect(outcome(() => required.authenticate('root', 'read', 'GET /v1/tabs'))).toBe('ok');
    expect(outcome(() => required.authenticate('root', 'admin', 'DELETE /v1/tabs'))).toBe('ok');
    expect(required.metrics()).toEqual({
      'auth.required': 1,
      'auth.tokens': 3,
      'auth.reloads': 0,
      'auth.reload_failures': 0,
      'auth.refused.TOKEN_MISSING': 1,
      'auth.refused.TOKEN_INVALID': 2,
      'auth.refused.SCOPE_MISSING': 2,
      'auth.refused.CLIENT_NOT_ALLOWED': 0,
    });
  });

  it('refuses client IDs outside the grant, naming them', async () => {
    const required = await start();
    const grant = required.authenticate('bidder-token', 'write', 'POST /post');
    expect(outcome(() => required.authorizeClients(grant, ['bidder-1', 'bidder-2']))).toBe('ok');
    expect(() => required.authorizeClients(grant, ['bidder-1', 'victim', 'other'])).toThrow(
      'the token "bidder-token-name" may not write for client "victim", "other"',
    );
    const many = Array.from({ length: 8 }, (_, i) => `c${i}`);
    expect(() => required.authorizeClients(grant, many)).toThrow('"c4" and 3 more');
    expect(required.metrics()['auth.refused.CLIENT_NOT_ALLOWED']).toBe(2);
  });

  it('fails the start on a bad file, naming the variable', async () => {
    writeFileSync(path, 'tokens: [{name: a}]');
    await expect(start()).rejects.toThrow(ConfigError);
    await expect(start()).rejects.toThrow(/^TABA_AUTH_TOKENS_FILE: ".*tokens\.yaml": tokens\[0\]/);
  });

  it('reloads a file replaced by rename; a bad reload keeps the tokens and is counted', async () => {
    const required = await start();
    const replace = (text: string) => {
      const next = join(dir, 'tokens.next');
      writeFileSync(next, text);
      renameSync(next, path);
    };
    replace(tokensYaml({ 'new-token': ['read'] }));
    await vi.waitFor(() => expect(required.metrics()['auth.reloads']).toBe(1), {
      timeout: 5000,
      interval: 20,
    });
    expect(outcome(() => required.authenticate('new-token', 'read', 'x'))).toBe('ok');
    expect(outcome(() => required.authenticate('reader-token', 'read', 'x'))).toBe(
      'UNAUTHENTICATED TOKEN_INVALID',
    );

    replace('tokens: [{name: broken');
    await vi.waitFor(() => expect(required.metrics()['auth.reload_failures']).toBe(1), {
      timeout: 5000,
      interval: 20,
    });
    expect(outcome(() => required.authenticate('new-token', 'read', 'x'))).toBe('ok');
    expect(required.metrics()['auth.tokens']).toBe(1);

    // An explicit reload (what SIGHUP does) of a good file.
    writeFileSync(join(dir, 'tokens.next'), tokensYaml({ third: ['admin'] }));
    renameSync(join(dir, 'tokens.next'), path);
    await required.reload();
    expect(outcome(() => required.authenticate('third', 'admin', 'x'))).toBe('ok');
  });
});
