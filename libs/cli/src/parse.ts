// Parsers of option values: each throws UsageError (exit 2) with a message naming the flag.
import type { TabTypeName } from '@taba/common';
import {
  DEFAULT_EVENT_LIMITS,
  nameProblem,
  parseTabType,
  TAB_TYPES,
  tabaTypeName,
} from '@taba/common';
import { UsageError } from './errors.js';

const ADDRESS = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** `host:port` with a port from 0 to 65535. */
export function parseAddress(flag: string, text: string): string {
  const match = ADDRESS.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65_535) {
    throw new UsageError(`${flag} must be host:port (e.g. 127.0.0.1:8301), got "${text}"`);
  }
  return text;
}

/** A bearer token: printable, without spaces (it travels in an HTTP header). */
export function parseToken(flag: string, text: string): string {
  if (!/^[\x21-\x7e]+$/.test(text)) {
    throw new UsageError(`${flag} must be a token of printable characters without spaces`);
  }
  return text;
}

/** A TCP port from 1 to 65535. */
export function parsePort(flag: string, text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65_535) {
    throw new UsageError(`${flag} must be a port from 1 to 65535, got "${text}"`);
  }
  return port;
}

/** A whole number of milliseconds, at least 1. */
export function parseMilliseconds(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) {
    throw new UsageError(`${flag} must be a whole number of milliseconds, got "${text}"`);
  }
  return value;
}

/** A whole number, at least 1. */
export function parseCount(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d{1,9}$/.test(text) || value < 1) {
    throw new UsageError(`${flag} must be a whole number, at least 1, got "${text}"`);
  }
  return value;
}

/** A finite number, or undefined when `text` does not read as one. */
export function readNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** `a,b,c`, trimmed, no empty items. */
export function parseList(flag: string, text: string): string[] {
  const items = text.split(',').map(item => item.trim());
  if (items.some(item => item === '')) {
    throw new UsageError(
      `${flag} must be a comma-separated list without empty items, got "${text}"`,
    );
  }
  return items;
}

/** A Tab type as the proto names it (COUNTER_GROUP) or as Taba spells it (CounterGroup). */
export function parseType(flag: string, text: string): TabTypeName {
  const type = parseTabType(text);
  if (type === undefined) {
    const known = TAB_TYPES.map(tabaTypeName).join(', ');
    throw new UsageError(`${flag}: unknown type "${text}"; known types are ${known}`);
  }
  return type;
}

/** Tab names (or client IDs) checked against Taba's alphabet; patterns (with --re) are not. */
export function checkNames(what: string, names: readonly string[], patterns: boolean): void {
  if (patterns) return;
  const limit =
    what === 'client ID'
      ? DEFAULT_EVENT_LIMITS.maxClientIdLength
      : DEFAULT_EVENT_LIMITS.maxNameLength;
  for (const name of names) {
    const problem = nameProblem(what, name, limit);
    if (problem) throw new UsageError(problem);
  }
}
