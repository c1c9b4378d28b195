import { describe, expect, it } from 'vitest';
import { pythonMatchToJs } from './python-regex.js';

/** Each pattern with names and what Python 3's `re.match(pattern, name)` answers for them. */
const PYTHON_MATCH: readonly [string, readonly [string, boolean][]][] = [
  [
    'bid',
    [
      ['bid', true],
      ['bid.price', true],
      ['a.bid', false],
    ],
  ],
  [
    'bid\\.p',
    [
      ['bid.price', true],
      ['bidxp', false],
    ],
  ],
  [
    'a,b',
    [
      ['a,b', true],
      ['a', false],
      ['b', false],
    ],
  ],
  [
    'srv\\-1',
    [
      ['srv-1', true],
      ['srv1', false],
    ],
  ],
  [
    'x\\:y\\~z\\@\\!\\=\\;',
    [
      ['x:y~z@!=;', true],
      ['xy', false],
    ],
  ],
  [
    '[\\-a]+$',
    [
      ['-a-', true],
      ['b', false],
    ],
  ],
  [
    '[]a]+$',
    [
      [']a]', true],
      ['b', false],
    ],
  ],
  [
    '[^]a]',
    [
      ['b', true],
      [']', false],
    ],
  ],
  [
    'a{2}$',
    [
      ['aa', true],
      ['aaa', false],
    ],
  ],
  [
    'a{,2}b',
    [
      ['aab', true],
      ['b', true],
      ['aaab', false],
    ],
  ],
  [
    'a{x',
    [
      ['a{x', true],
      ['ax', false],
    ],
  ],
  [
    'a}',
    [
      ['a}', true],
      ['a', false],
    ],
  ],
  [
    'a]',
    [
      ['a]', true],
      ['a', false],
    ],
  ],
  [
    '(?P<w>a)(?P=w)',
    [
      ['aa', true],
      ['ab', false],
    ],
  ],
  [
    '\\Aab\\Z',
    [
      ['ab', true],
      ['abc', false],
    ],
  ],
  [
    'web-\\d+$',
    [
      ['web-12', true],
      ['web-1x', false],
    ],
  ],
  [
    'b|c',
    [
      ['bx', true],
      ['cx', true],
      ['ab', false],
    ],
  ],
];

describe('pythonMatchToJs', () => {
  it.each(PYTHON_MATCH)('selects what re.match(%j) selects', (pattern, names) => {
    const regex = new RegExp(pythonMatchToJs(pattern), 'u');
    expect(names.map(([name]) => [name, regex.test(name)])).toEqual(names);
  });

  it('anchors the whole pattern, alternatives included, and spells Python syntax the JavaScript way', () => {
    expect(pythonMatchToJs('b|c')).toBe('^(?:b|c)');
    expect(pythonMatchToJs('srv\\-1')).toBe('^(?:srv\\x2d1)');
    expect(pythonMatchToJs('a{,2}')).toBe('^(?:a{0,2})');
    expect(pythonMatchToJs('(?P<w>a)(?P=w)')).toBe('^(?:(?<w>a)\\k<w>)');
    expect(pythonMatchToJs('[]a]')).toBe('^(?:[\\]a])');
  });
});
