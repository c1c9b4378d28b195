import { describe, expect, it } from 'vitest';
import { statusOnPath, TABA_ROUTES, URL_TOKEN_PATHS } from './taba-routes.js';

describe('Taba routes', () => {
  it('declare the scope of what they do, whatever the method', () => {
    const scopes = Object.fromEntries(
      [...TABA_ROUTES].map(([path, methods]) => [
        path,
        [...methods].map(([method, route]) => `${method}:${route.scope ?? 'method'}`).join(' '),
      ]),
    );
    expect(scopes).toEqual({
      '/tabs': 'GET:read POST:read',
      '/projection': 'GET:read POST:read',
      '/supertabs': 'GET:read POST:read',
      '/names': 'GET:read POST:read',
      '/clients': 'GET:read POST:read',
      '/types': 'GET:read POST:read',
      '/status': 'GET:read POST:read',
      '/delete': 'GET:admin POST:admin',
      '/post_zip': 'POST:method',
    });
    expect([...URL_TOKEN_PATHS]).toContain('/post');
  });

  it("answer overload on the agent's path with 503, after which Taba's agent pauses", () => {
    expect(statusOnPath('/post_zip?token=t', 429)).toBe(503);
    expect(statusOnPath('/post_zip', 413)).toBe(413);
    expect(statusOnPath('/post', 429)).toBe(429);
    expect(statusOnPath('/tabs', 429)).toBe(429);
  });
});
