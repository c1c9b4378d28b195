import { InvalidArgumentError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import {
  CARDINALITY_PARAMS,
  FILTER_PARAMS,
  NO_PARAMS,
  parseQuery,
  preferredFormat,
  READ_PARAMS,
  renderModeOf,
} from './query-params.js';

const parse = (query: string, allowed = READ_PARAMS) =>
  parseQuery(new URLSearchParams(query), allowed);

describe('parseQuery', () => {
  it('reads comma lists and repeated parameters into the filter', () => {
    expect(parse('name=a,b&client=x,y')).toEqual({
      filter: { names: ['a', 'b'], clients: ['x', 'y'], regex: false },
      detail: false,
      top: 0,
    });
    expect(parse('name=a&name=b,c&name=').filter.names).toEqual(['a', 'b', 'c']);
    expect(parse('').filter).toEqual({ names: [], clients: [], regex: false });
  });

  it('reads re and detail as flags (1/true/yes/on, 0/false/no/off, empty = on)', () => {
    expect(parse(`name=${encodeURIComponent('^bid\\.')}&re=1`).filter).toEqual({
      names: ['^bid\\.'],
      clients: [],
      regex: true,
    });
    expect(parse('re=true&detail=yes')).toMatchObject({ filter: { regex: true }, detail: true });
    expect(parse('re=0&detail=off')).toMatchObject({ filter: { regex: false }, detail: false });
    expect(parse('re')).toMatchObject({ filter: { regex: true } });
    // A + in a query string is a space: a pattern with + must be sent as %2B.
    expect(parse('name=a%2Bb&re=1').filter.names).toEqual(['a+b']);
  });

  it('refuses unknown parameters, naming what the endpoint takes', () => {
    expect(() => parse('nmae=a')).toThrow(InvalidArgumentError);
    expect(() => parse('nmae=a')).toThrow(
      'unknown query parameter "nmae"; this endpoint takes name, client, re, detail',
    );
    expect(() => parse('detail=1', FILTER_PARAMS)).toThrow('takes name, client, re');
    expect(() => parse('x=1', NO_PARAMS)).toThrow('this endpoint takes no parameters');
    try {
      parse('nmae=a');
    } catch (error) {
      expect((error as InvalidArgumentError).reason).toBe('UNKNOWN_PARAMETER');
    }
  });

  it('refuses a malformed or repeated flag', () => {
    expect(() => parse('re=maybe')).toThrow('re must be 1 or 0 (true or false), got "maybe"');
    expect(() => parse('re=1&re=0')).toThrow('re is given more than once');
  });
});

describe('parseQuery top', () => {
  it('reads a whole number once and refuses anything else', () => {
    expect(parse('top=7', CARDINALITY_PARAMS).top).toBe(7);
    expect(parse('', CARDINALITY_PARAMS).top).toBe(0);
    for (const bad of ['top=-1', 'top=2.5', 'top=x', 'top=1&top=2', 'top=']) {
      expect(() => parse(bad, CARDINALITY_PARAMS)).toThrow(/top must be given once/);
    }
    expect(() => parse('name=a', CARDINALITY_PARAMS)).toThrow('this endpoint takes top');
  });
});

describe('preferredFormat', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['*/*', 'json'],
    ['application/json', 'json'],
    ['text/plain', 'text'],
    ['text/plain; charset=utf-8', 'text'],
    ['text/*', 'text'],
    ['application/json, text/plain', 'json'],
    ['text/plain, application/json', 'text'],
    ['application/json;q=0.5, text/plain', 'text'],
    ['text/plain;q=0, */*', 'json'],
    ['text/html', 'json'],
  ] as const)('%j → %s', (accept, format) => {
    expect(preferredFormat(accept)).toBe(format);
  });
});

describe('renderModeOf', () => {
  it('picks JSON, TEXT or DETAIL, and refuses detail as text', () => {
    expect(renderModeOf('json', false)).toBe('JSON');
    expect(renderModeOf('json', true)).toBe('DETAIL');
    expect(renderModeOf('text', false)).toBe('TEXT');
    expect(() => renderModeOf('text', true)).toThrow('detail=1 has no text/plain form');
  });
});
