import { afterEach, describe, expect, it } from 'vitest';
import { resolveOptions } from './options.js';

describe('resolveOptions: the bearer token', () => {
  const saved = process.env.TABA_TOKEN;
  afterEach(() => {
    if (saved === undefined) delete process.env.TABA_TOKEN;
    else process.env.TABA_TOKEN = saved;
  });

  it('takes TABA_TOKEN when no token is given, and the option over it', () => {
    process.env.TABA_TOKEN = ' from-env ';
    expect(resolveOptions({ clientId: 'c' }).token).toBe('from-env');
    expect(resolveOptions({ clientId: 'c', token: 'given' }).token).toBe('given');
  });

  it('has none when neither is set (an empty TABA_TOKEN is none)', () => {
    delete process.env.TABA_TOKEN;
    expect(resolveOptions({ clientId: 'c' }).token).toBeUndefined();
    process.env.TABA_TOKEN = '   ';
    expect(resolveOptions({ clientId: 'c' }).token).toBeUndefined();
  });

  it('refuses a TABA_TOKEN with spaces inside, as it refuses the option', () => {
    process.env.TABA_TOKEN = 'two words';
    expect(() => resolveOptions({ clientId: 'c' })).toThrow(/token/);
  });
});
