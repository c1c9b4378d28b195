import { describe, expect, it } from 'vitest';
import {
  bodyParams,
  queryParams,
  TABA_READ_PARAMS,
  tabaFilter,
  tabaFormat,
} from './taba-params.js';

const filterOf = (query: string) =>
  tabaFilter(queryParams(new URLSearchParams(query), TABA_READ_PARAMS));

describe('tabaFilter', () => {
  it('reads comma lists without re, and one anchored Python pattern each with re', () => {
    expect(filterOf('name=a,b,,c&client=w1')).toEqual({
      names: ['a', 'b', 'c'],
      clients: ['w1'],
      regex: false,
    });
    expect(filterOf('name=bid%5C.a,b&re=0&client=web-%5Cd')).toEqual({
      names: ['^(?:bid\\.a,b)'],
      clients: ['^(?:web-\\d)'],
      regex: true,
    });
    expect(filterOf('name=a&re')).toMatchObject({ regex: true });
    expect(filterOf('name=a&name=b')).toEqual({ names: ['b'], clients: [], regex: false });
  });

  it('refuses raw and parameters the path does not take', () => {
    expect(() => filterOf('name=a&raw=1')).toThrowError(/pickled States/);
    expect(() => filterOf('name=a&block=x&taba=1')).toThrowError(
      'Invalid parameters: block, taba; this path takes name, client, re, raw',
    );
  });
});

describe('bodyParams', () => {
  it('takes a JSON object of strings, re and raw of any value', () => {
    expect([...bodyParams({ name: 'a,b', re: true, client: null }, TABA_READ_PARAMS)]).toEqual([
      ['name', 'a,b'],
      ['re', 'true'],
    ]);
    expect(() => bodyParams([], TABA_READ_PARAMS)).toThrowError(/must be a JSON object/);
    expect(() => bodyParams({ name: ['a'] }, TABA_READ_PARAMS)).toThrowError(/must be a string/);
    expect(() => bodyParams({ top: 1 }, TABA_READ_PARAMS)).toThrowError(/Invalid parameters: top/);
  });
});

describe('tabaFormat', () => {
  it.each([
    [undefined, 'text'],
    ['', 'text'],
    ['*/*', 'text'],
    ['text/plain', 'text'],
    ['application/json', 'json'],
    ['Application/JSON; q=1', 'json'],
    ['application/json-detailed', 'detail'],
  ] as const)('reads Accept %j as %s', (accept, format) => {
    expect(tabaFormat(accept)).toBe(format);
  });
});
