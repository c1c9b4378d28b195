import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  readAddress,
  readBoolean,
  readChoice,
  readInteger,
  readList,
  readNumber,
  readString,
} from './env-readers.js';

describe('env readers', () => {
  it('treats blank as unset and falls back', () => {
    expect(readString({ A: '  ' }, 'A', 'dflt')).toBe('dflt');
    expect(readInteger({ A: '' }, 'A', 7)).toBe(7);
  });

  it('fails fast on a required variable with its name', () => {
    expect(() => readString({}, 'TABA_X')).toThrowError(
      new ConfigError('TABA_X', 'is required but not set'),
    );
  });

  it('parses numbers and integers and names the variable on bad input', () => {
    expect(readNumber({ N: '2.5' }, 'N', 0)).toBe(2.5);
    expect(() => readNumber({ N: 'abc' }, 'N', 0)).toThrowError('N: must be a number, got "abc"');
    expect(readInteger({ I: '-12' }, 'I', 0)).toBe(-12);
    expect(() => readInteger({ I: '1.5' }, 'I', 0)).toThrowError(
      'I: must be an integer, got "1.5"',
    );
    expect(() => readInteger({ I: '5' }, 'I', 0, { max: 4 })).toThrowError(
      'I: must be at most 4, got 5',
    );
    expect(() => readInteger({}, 'I', 0, { min: 1 })).toThrowError('I: must be at least 1, got 0');
  });

  it('parses booleans, lists, choices and addresses', () => {
    expect(readBoolean({ B: 'Yes' }, 'B', false)).toBe(true);
    expect(readBoolean({ B: 'off' }, 'B', true)).toBe(false);
    expect(() => readBoolean({ B: 'maybe' }, 'B', true)).toThrowError(
      'B: must be true or false, got "maybe"',
    );
    expect(readList({ L: ' a, ,b ,c' }, 'L')).toEqual(['a', 'b', 'c']);
    expect(readChoice({ C: 'debug' }, 'C', ['info', 'debug'] as const, 'info')).toBe('debug');
    expect(() => readChoice({ C: 'loud' }, 'C', ['info'] as const, 'info')).toThrowError(
      'C: must be one of info, got "loud"',
    );
    expect(readAddress({}, 'ADDR', '127.0.0.1:0')).toBe('127.0.0.1:0');
    expect(() => readAddress({ ADDR: 'localhost' }, 'ADDR', '')).toThrowError(ConfigError);
    expect(() => readAddress({ ADDR: 'h:70000' }, 'ADDR', '')).toThrowError(/port from 0 to 65535/);
  });
});
