// Renders deploy/helm/taba without Helm (no helm binary can be installed on the build machines):
// a small interpreter of the part of Helm's template language the chart uses. It is not Helm:
// Go templates' actions ({{- -}} trimming, if/else if/else, with, range with variables, define,
// include, variables and assignment, pipelines, parentheses) and the functions below, with
// Helm's meaning. An unknown function or construct is an error, so a template that strays
// beyond this subset fails the test instead of passing unchecked. `helm template` remains the
// reference where Helm is installed.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

interface TextNode {
  readonly type: 'text';
  readonly text: string;
}
interface ActionNode {
  readonly type: 'action';
  readonly expr: string;
  readonly where: string;
}
interface Branch {
  /** undefined for a plain `else` */
  readonly expr: string | undefined;
  readonly body: readonly TemplateNode[];
}
interface BlockNode {
  readonly type: 'if' | 'with' | 'range';
  readonly branches: readonly Branch[];
  readonly where: string;
}
type TemplateNode = TextNode | ActionNode | BlockNode;

type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly body: string; readonly where: string };

/** Splits a template into text and actions, applying the {{- and -}} trim markers. */
function segments(source: string, file: string): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    if (open < 0) {
      out.push({ kind: 'text', text: source.slice(at) });
      break;
    }
    let text = source.slice(at, open);
    let start = open + 2;
    if (source[start] === '-' && /\s/.test(source[start + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    out.push({ kind: 'text', text });
    // The closing braces, outside string literals and comments.
    let end = start;
    let inString = false;
    const isComment = source.slice(start).trimStart().startsWith('/*');
    if (isComment) end = source.indexOf('*/', start) + 2;
    while (end < source.length && !(inString === false && source.startsWith('}}', end))) {
      const char = source[end];
      if (inString && char === '\\') end += 1;
      else if (char === '"') inString = !inString;
      end += 1;
    }
    if (end >= source.length) throw new Error(`${file}: unclosed {{`);
    let body = source.slice(start, end);
    let trimAfter = false;
    if (/\s-$/.test(body)) {
      trimAfter = true;
      body = body.slice(0, -1);
    }
    const where = `${file}:${source.slice(0, open).split('\n').length}`;
    if (!isComment) out.push({ kind: 'action', body: body.trim(), where });
    at = end + 2;
    if (trimAfter) while (at < source.length && /\s/.test(source[at] ?? '')) at += 1;
  }
  return out;
}

/** Parses segments into a tree; `define`d templates go to `defines`. */
function parseTemplate(
  list: readonly Segment[],
  defines: Map<string, readonly TemplateNode[]>,
): TemplateNode[] {
  let position = 0;
  const block = (nested: boolean): { nodes: TemplateNode[]; stop?: string } => {
    const nodes: TemplateNode[] = [];
    while (position < list.length) {
      const segment = list[position] as Segment;
      if (segment.kind === 'text') {
        if (segment.text !== '') nodes.push({ type: 'text', text: segment.text });
        position += 1;
        continue;
      }
      const { body, where } = segment;
      const keyword = body.split(/\s+/)[0] ?? '';
      if (keyword === 'end' || keyword === 'else') {
        if (!nested) throw new Error(`${where}: ${body} outside a block`);
        return { nodes, stop: body };
      }
      position += 1;
      if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
        const branches: Branch[] = [];
        let expr: string | undefined = body.slice(keyword.length).trim();
        for (;;) {
          const inner = block(true);
          position += 1;
          branches.push({ expr, body: inner.nodes });
          if (inner.stop === undefined) throw new Error(`${where}: unclosed ${keyword}`);
          if (inner.stop === 'end') break;
          const elseIf = /^else\s+if\s+(.*)$/.exec(inner.stop);
          if (inner.stop === 'else') expr = undefined;
          else if (elseIf && keyword === 'if') expr = elseIf[1];
          else throw new Error(`${where}: unsupported ${inner.stop}`);
        }
        nodes.push({ type: keyword, branches, where });
      } else if (keyword === 'define') {
        const name = /^define\s+"([^"]+)"$/.exec(body)?.[1];
        if (!name) throw new Error(`${where}: bad define`);
        const inner = block(true);
        position += 1;
        if (inner.stop !== 'end') throw new Error(`${where}: define without end`);
        defines.set(name, inner.nodes);
      } else if (['template', 'block', 'break', 'continue'].includes(keyword)) {
        throw new Error(`${where}: ${keyword} is beyond the subset this renderer knows`);
      } else {
        nodes.push({ type: 'action', expr: body, where });
      }
    }
    if (nested) throw new Error('unclosed block at the end of the template');
    return { nodes };
  };
  return block(false).nodes;
}

type Token =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'word'; readonly value: string }
  | { readonly kind: '(' | ')' | '|' };

function lex(expr: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < expr.length) {
    const char = expr[at] ?? '';
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === '"') {
      let value = '';
      at += 1;
      while (at < expr.length && expr[at] !== '"') {
        if (expr[at] === '\\') {
          at += 1;
          const escaped = expr[at] ?? '';
          value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
        } else {
          value += expr[at];
        }
        at += 1;
      }
      at += 1;
      tokens.push({ kind: 'string', value });
    } else if (char === '(' || char === ')' || char === '|') {
      tokens.push({ kind: char });
      at += 1;
    } else {
      const word = /^[^\s()|]+/.exec(expr.slice(at))?.[0] ?? '';
      tokens.push({ kind: 'word', value: word });
      at += word.length;
    }
  }
  return tokens;
}

/**
 * A number read from values: Helm decodes values through JSON, so every number is a float64
 * there. `int` makes it an integer (a plain number here); `until`, `printf "%d"` and the
 * like need one, and printing a float64 of a million or more gives Go's exponent form.
 */
class GoFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    const { value } = this;
    if (!Number.isInteger(value) || Math.abs(value) < 1e6) return String(value);
    const digits = String(Math.abs(value)).replace(/0+$/, '');
    const exponent = String(Math.abs(value)).length - 1;
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${value < 0 ? '-' : ''}${mantissa}e+${String(exponent).padStart(2, '0')}`;
  }
}

/** Values as Helm sees them: numbers become float64. */
function fromValues(value: unknown): unknown {
  if (typeof value === 'number') return new GoFloat(value);
  if (Array.isArray(value)) return value.map(fromValues);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromValues(v)]));
  }
  return value;
}

/** Back to plain data, for toYaml. */
function toPlain(value: unknown): unknown {
  if (value instanceof GoFloat) return value.value;
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

/** Go templates' truth: false, 0, nil and empty strings, lists and maps are false. */
function truthy(value: unknown): boolean {
  if (value instanceof GoFloat) return value.value !== 0;
  if (value === undefined || value === null || value === false || value === 0 || value === '') {
    return false;
  }
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** How Go prints a value with {{ }} or %v. */
function goString(value: unknown): string {
  if (value instanceof GoFloat) return value.toString();
  if (value === undefined || value === null) return '<no value>';
  if (Array.isArray(value)) return `[${value.map(goString).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `map[${entries.map(([k, v]) => `${k}:${goString(v)}`).join(' ')}]`;
  }
  return String(value);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof GoFloat)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asInteger(value: unknown, what: string): number {
  const number = Number(value);
  if (!Number.isFinite(number)) throw new Error(`${what}: ${goString(value)} is not a number`);
  return Math.trunc(number);
}

/** Go's eq and ne refuse to compare a float64 with anything but a float64. */
function comparable(a: unknown, b: unknown): boolean {
  if (a instanceof GoFloat !== b instanceof GoFloat) {
    throw new Error(`eq: incompatible types ${goString(a)} and ${goString(b)}`);
  }
  return true;
}

function same(a: unknown, b: unknown): boolean {
  return a instanceof GoFloat && b instanceof GoFloat ? a.value === b.value : a === b;
}

/** An error that already names its template and line. */
class TemplateError extends Error {}

type TemplateFunction = (...args: unknown[]) => unknown;

/** Scopes of variables: `$` and those declared with := ; lookups go outwards. */
class Scope {
  private readonly values = new Map<string, unknown>();
  constructor(private readonly parent?: Scope) {}
  declare(name: string, value: unknown): void {
    this.values.set(name, value);
  }
  assign(name: string, value: unknown): void {
    if (this.values.has(name)) this.values.set(name, value);
    else if (this.parent) this.parent.assign(name, value);
    else throw new Error(`assignment to undeclared ${name}`);
  }
  get(name: string): unknown {
    if (this.values.has(name)) return this.values.get(name);
    if (this.parent) return this.parent.get(name);
    throw new Error(`undefined variable ${name}`);
  }
}

export interface Release {
  readonly name: string;
  readonly namespace: string;
}

/** Renders every template of the chart (files starting with `_` aside) with `values`. */
export function renderChart(
  chartDir: string,
  values: Record<string, unknown>,
  release: Release = { name: 'taba', namespace: 'taba' },
): Map<string, string> {
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const defines = new Map<string, readonly TemplateNode[]>();
  const files = new Map<string, readonly TemplateNode[]>();
  for (const file of readdirSync(join(chartDir, 'templates')).sort()) {
    const source = readFileSync(join(chartDir, 'templates', file), 'utf8');
    files.set(file, parseTemplate(segments(source, file), defines));
  }
  const helmValues = fromValues(values);
  const topLevel = (file: string) => ({
    Values: helmValues,
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
    Release: { Name: release.name, Namespace: release.namespace, Service: 'Helm' },
    Template: { BasePath: `${chart.name}/templates`, Name: `${chart.name}/templates/${file}` },
    Files: {
      Get: (path: unknown) => readFileSync(join(chartDir, String(path)), 'utf8'),
    },
  });

  const include = (name: unknown, data: unknown): string => {
    const basePath = `${String(chart.name)}/templates/`;
    const text = String(name);
    const nodes = text.startsWith(basePath)
      ? files.get(text.slice(basePath.length))
      : defines.get(text);
    if (!nodes) throw new Error(`include of unknown template ${text}`);
    const scope = new Scope();
    scope.declare('$', data);
    return execute(nodes, data, scope);
  };

  const functions: Record<string, TemplateFunction> = {
    include,
    default: (fallback, value) => (truthy(value) ? value : fallback),
    trunc: (length, text) => String(text).slice(0, asInteger(length, 'trunc')),
    trimSuffix: (suffix, text) =>
      String(text).endsWith(String(suffix))
        ? String(text).slice(0, -String(suffix).length)
        : String(text),
    contains: (part, text) => String(text).includes(String(part)),
    printf: (format, ...args) => {
      let next = 0;
      return String(format).replace(/%([sdv])/g, (_, verb: string) => {
        const arg = args[next++];
        if (verb === 'd' && !Number.isInteger(arg))
          throw new Error(`printf %d of ${goString(arg)}`);
        return goString(arg);
      });
    },
    print: (...args) => args.map(goString).join(''),
    dict: (...pairs) => {
      const map: Record<string, unknown> = {};
      for (let i = 0; i < pairs.length; i += 2) map[String(pairs[i])] = pairs[i + 1];
      return map;
    },
    list: (...items) => items,
    // Go's index on lists (by position) and maps (by key); len of a list, map or string.
    index: (collection, ...keys) =>
      keys.reduce<unknown>(
        (value, key) =>
          Array.isArray(value)
            ? value[asInteger(key, 'index')]
            : (value as Record<string, unknown> | undefined)?.[String(key)],
        collection,
      ),
    len: value =>
      typeof value === 'string' || Array.isArray(value)
        ? value.length
        : Object.keys((value as object | null) ?? {}).length,
    append: (list, item) => [...(Array.isArray(list) ? list : []), item],
    join: (separator, list) =>
      (Array.isArray(list) ? list : []).map(goString).join(String(separator)),
    splitList: (separator, text) => String(text).split(String(separator)),
    until: count => {
      if (!Number.isInteger(count)) throw new Error(`until needs an int, got ${goString(count)}`);
      return Array.from({ length: Number(count) }, (_, i) => i);
    },
    int: value => asInteger(value, 'int'),
    eq: (a, b) => comparable(a, b) && same(a, b),
    ne: (a, b) => !(comparable(a, b) && same(a, b)),
    lt: (a, b) => asInteger(a, 'lt') < asInteger(b, 'lt'),
    le: (a, b) => asInteger(a, 'le') <= asInteger(b, 'le'),
    mul: (a, b) => asInteger(a, 'mul') * asInteger(b, 'mul'),
    sub: (a, b) => asInteger(a, 'sub') - asInteger(b, 'sub'),
    gt: (a, b) => asInteger(a, 'gt') > asInteger(b, 'gt'),
    and: (...args) => args.find(arg => !truthy(arg)) ?? args[args.length - 1],
    or: (...args) => args.find(arg => truthy(arg)) ?? args[args.length - 1],
    not: value => !truthy(value),
    quote: value => JSON.stringify(goString(value)),
    toString: (value: unknown) => goString(value),
    nindent: (count, text) =>
      `\n${String(text)
        .split('\n')
        .map(line => ' '.repeat(asInteger(count, 'nindent')) + line)
        .join('\n')}`,
    toYaml: value => stringify(toPlain(value)).replace(/\n$/, ''),
    sha256sum: text => createHash('sha256').update(String(text)).digest('hex'),
    replace: (from, to, text) => String(text).split(String(from)).join(String(to)),
    fail: message => {
      throw new Error(`fail: ${String(message)}`);
    },
  };

  function evaluate(expr: string, dot: unknown, scope: Scope): unknown {
    const tokens = lex(expr);
    let at = 0;
    const fieldChain = (start: unknown, chain: readonly string[]): unknown => {
      let value = start;
      for (const field of chain) value = asRecord(value)?.[field];
      return value;
    };
    const pipeline = (): unknown => {
      let value = command(undefined, false);
      while (tokens[at]?.kind === '|') {
        at += 1;
        value = command(value, true);
      }
      return value;
    };
    // An operand: a literal, a variable or field chain, a parenthesized pipeline, or a function.
    const operand = (): { value?: unknown; fn?: TemplateFunction } => {
      const token = tokens[at++];
      if (!token) throw new Error(`incomplete expression: ${expr}`);
      if (token.kind === 'string') return { value: token.value };
      if (token.kind === '(') {
        const value = pipeline();
        if (tokens[at++]?.kind !== ')') throw new Error(`missing ) in ${expr}`);
        return { value };
      }
      if (token.kind !== 'word') throw new Error(`unexpected ${token.kind} in ${expr}`);
      const word = token.value;
      if (/^-?\d+$/.test(word)) return { value: Number(word) };
      if (word === 'true' || word === 'false') return { value: word === 'true' };
      if (word.startsWith('$')) {
        const [name = '', ...chain] = word.split('.');
        return { value: fieldChain(scope.get(name), chain) };
      }
      if (word === '.') return { value: dot };
      if (word.startsWith('.')) return { value: fieldChain(dot, word.slice(1).split('.')) };
      const fn = functions[word];
      if (!fn) throw new Error(`unknown function ${word} in ${expr}`);
      return { fn };
    };
    const command = (piped: unknown, hasPiped: boolean): unknown => {
      const operands: { value?: unknown; fn?: TemplateFunction }[] = [];
      while (at < tokens.length && tokens[at]?.kind !== '|' && tokens[at]?.kind !== ')') {
        operands.push(operand());
      }
      const [head, ...rest] = operands;
      if (!head) throw new Error(`empty command in ${expr}`);
      const args = rest.map(o => {
        if (o.fn) throw new Error(`a function used as a value in ${expr}`);
        return o.value;
      });
      if (hasPiped) args.push(piped);
      if (head.fn) return head.fn(...args);
      // A method value such as .Files.Get, called with arguments.
      if (typeof head.value === 'function') {
        return (head.value as TemplateFunction)(...args);
      }
      if (args.length > 0) throw new Error(`${expr}: arguments to a value that is not a function`);
      return head.value;
    };
    const value = pipeline();
    if (at !== tokens.length) throw new Error(`trailing tokens in ${expr}`);
    return value;
  }

  function execute(nodes: readonly TemplateNode[], dot: unknown, scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      try {
        if (node.type === 'text') {
          out += node.text;
        } else if (node.type === 'action') {
          const declaration = /^(\$\w+)\s*(:=|=)\s*(.+)$/.exec(node.expr);
          if (declaration) {
            const value = evaluate(declaration[3] ?? '', dot, scope);
            if (declaration[2] === ':=') scope.declare(declaration[1] ?? '', value);
            else scope.assign(declaration[1] ?? '', value);
          } else {
            const value = evaluate(node.expr, dot, scope);
            if (value === undefined) throw new Error(`${node.expr} has no value`);
            out += goString(value);
          }
        } else if (node.type === 'range') {
          out += executeRange(node, dot, scope);
        } else {
          for (const branch of node.branches) {
            const value = branch.expr === undefined ? true : evaluate(branch.expr, dot, scope);
            if (!truthy(value)) continue;
            const inner = node.type === 'with' && branch.expr !== undefined ? value : dot;
            out += execute(branch.body, inner, new Scope(scope));
            break;
          }
        }
      } catch (error) {
        // The innermost action names the place; outer blocks pass the error on.
        if (error instanceof TemplateError || node.type === 'text') throw error;
        throw new TemplateError(
          `${node.where}: ${String(error instanceof Error ? error.message : error)}`,
        );
      }
    }
    return out;
  }

  function executeRange(node: BlockNode, dot: unknown, scope: Scope): string {
    const [body, otherwise] = node.branches;
    if (!body?.expr) throw new Error('range without a pipeline');
    const header = /^(?:(\$\w+)(?:\s*,\s*(\$\w+))?\s*:=\s*)?(.+)$/.exec(body.expr);
    const collection = evaluate(header?.[3] ?? '', dot, scope);
    const record = asRecord(collection);
    const entries: [unknown, unknown][] = Array.isArray(collection)
      ? collection.map((item, index) => [index, item])
      : record
        ? Object.keys(record)
            .sort()
            .map(key => [key, record[key]])
        : [];
    if (entries.length === 0)
      return otherwise ? execute(otherwise.body, dot, new Scope(scope)) : '';
    let out = '';
    for (const [key, item] of entries) {
      const inner = new Scope(scope);
      // One variable gets the element; two get the key (or index) and the element.
      if (header?.[1] && header[2]) {
        inner.declare(header[1], key);
        inner.declare(header[2], item);
      } else if (header?.[1]) {
        inner.declare(header[1], item);
      }
      out += execute(body.body, item, inner);
    }
    return out;
  }

  const rendered = new Map<string, string>();
  for (const [file, nodes] of files) {
    if (file.startsWith('_')) continue;
    const top = topLevel(file);
    const scope = new Scope();
    scope.declare('$', top);
    rendered.set(file, execute(nodes, top, scope));
  }
  return rendered;
}
