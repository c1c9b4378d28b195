/**
 * Taba's `re` patterns are Python's, applied with `re.match`: anchored at the start only. The
 * query service runs JavaScript patterns (`u` flag, unanchored), so each one is rewritten into
 * the JavaScript pattern that selects the same names: `^(?:<pattern>)`, with the Python syntax
 * JavaScript reads otherwise (or refuses) spelled the JavaScript way. Pure.
 */

/** Characters JavaScript's `u` mode lets a backslash escape outside a class. */
const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);

function hexEscape(char: string): string {
  return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** A backslash before ASCII punctuation is that character in Python; JavaScript (u) refuses most. */
function isAsciiPunctuation(char: string): boolean {
  return /^[!-/:-@[-`{-~]$/.test(char);
}

/** Length of a Python quantifier `{n}`, `{n,}`, `{,m}`, `{n,m}` at `at`, and its JavaScript form. */
function quantifierAt(pattern: string, at: number): { length: number; js: string } | undefined {
  const match = /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(at));
  if (match === null) return undefined;
  const [whole, low = '', comma = '', high = ''] = match;
  if (low === '' && (comma === '' || high === '')) return undefined;
  return { length: whole.length, js: `{${low === '' ? '0' : low}${comma}${high}}` };
}

/**
 * The JavaScript pattern that selects what Python's `re.match(pattern, text)` selects:
 * `^(?:…)`, with `(?P<n>…)` → `(?<n>…)`, `(?P=n)` → `\k<n>`, `\A` → `^`, `\Z` → `$`, an escaped
 * punctuation character (`\-`, `\:`, `\~`…) → its `\xHH`, `{,m}` → `{0,m}`, and a `{`, `}` or
 * `]` that is no syntax in Python → escaped. Anything else is passed as it is (JavaScript reads
 * `\d \w \s \b`, classes, groups and lookarounds as Python does for ASCII); what JavaScript
 * still refuses (inline flags `(?i)`, conditionals) the query service answers BAD_REGEX.
 */
export function pythonMatchToJs(pattern: string): string {
  let out = '';
  let inClass = false;
  let i = 0;
  while (i < pattern.length) {
    const char = pattern.charAt(i);
    const next = pattern.charAt(i + 1);
    if (char === '\\' && i + 1 < pattern.length) {
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'Z') out += '$';
      else if (isAsciiPunctuation(next) && !(JS_SYNTAX.has(next) || (inClass && next === '-'))) {
        out += hexEscape(next);
      } else out += `\\${next}`;
      i += 2;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      out += char;
      i += 1;
      continue;
    }
    if (char === '[') {
      // Python (unlike JavaScript) takes a `]` right after `[` or `[^` as a literal.
      const negated = next === '^';
      out += negated ? '[^' : '[';
      i += negated ? 2 : 1;
      if (pattern.charAt(i) === ']') {
        out += '\\]';
        i += 1;
      }
      inClass = true;
      continue;
    }
    if (pattern.startsWith('(?P<', i)) {
      out += '(?<';
      i += 4;
      continue;
    }
    const backReference = /^\(\?P=(\w+)\)/.exec(pattern.slice(i));
    if (backReference !== null) {
      out += `\\k<${backReference[1]}>`;
      i += backReference[0].length;
      continue;
    }
    if (char === '{') {
      const quantifier = quantifierAt(pattern, i);
      out += quantifier?.js ?? '\\{';
      i += quantifier?.length ?? 1;
      continue;
    }
    out += char === '}' || char === ']' ? `\\${char}` : char;
    i += 1;
  }
  return `^(?:${out})`;
}
