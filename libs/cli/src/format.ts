// What the query commands print: pure functions from a gateway reply to text, so the output
// contract is stated (and tested) in one place. Every result ends with a newline.
import type { TabTypeName } from '@taba/common';
import { cardinalityReport, renderText, TAB_TYPES, tabaTypeName } from '@taba/common';
import type { ResponseOf } from './gateway.js';

/** `json`: one pretty-printed JSON document. `text`: `name: body` lines. */
export type OutputFormat = 'json' | 'text';

/** Pretty JSON with two-space indents and a final newline. */
export function prettyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A JSON body parsed for pretty printing; a body that is not JSON stays a string. */
export function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function lines(items: readonly string[]): string {
  return items.map(item => `${item}\n`).join('');
}

function isTabTypeName(type: string): type is TabTypeName {
  return (TAB_TYPES as readonly string[]).includes(type);
}

/** Taba's CamelCase spelling of a type from the wire (CounterGroup); unknown ones unchanged. */
export function typeLabel(type: string): string {
  return isTabTypeName(type) ? tabaTypeName(type) : type;
}

/** `taba agg`: JSON `{ name: aggregate }`, text `name: body` per Tab. */
export function formatAggregates(reply: ResponseOf<'GetAggregates'>, format: OutputFormat): string {
  if (format === 'text') return lines(reply.tabs.map(tab => `${tab.name}: ${tab.body}`));
  return prettyJson(Object.fromEntries(reply.tabs.map(tab => [tab.name, parseBody(tab.body)])));
}

/** `taba proj`: JSON `{ name: { client: state } }`, text `name client: body` per client. */
export function formatProjections(
  reply: ResponseOf<'GetProjections'>,
  format: OutputFormat,
): string {
  if (format === 'text') {
    return lines(
      reply.tabs.flatMap(tab =>
        tab.clients.map(client => `${tab.name} ${client.clientId}: ${client.body}`),
      ),
    );
  }
  return prettyJson(
    Object.fromEntries(
      reply.tabs.map(tab => [
        tab.name,
        Object.fromEntries(tab.clients.map(client => [client.clientId, parseBody(client.body)])),
      ]),
    ),
  );
}

/** `taba super`: JSON `{ type, names, aggregate }`, text `name,name: body`. */
export function formatSuperAggregate(
  reply: ResponseOf<'GetSuperAggregate'>,
  format: OutputFormat,
): string {
  if (format === 'text') return `${reply.names.join(',')}: ${reply.body}\n`;
  return prettyJson({
    type: typeLabel(reply.type),
    names: reply.names,
    aggregate: parseBody(reply.body),
  });
}

/** `taba names`, `taba clients`, `taba delete`: a JSON array, or one item per line. */
export function formatList(items: readonly string[], format: OutputFormat): string {
  return format === 'text' ? lines(items) : prettyJson(items);
}

/** `taba types`: JSON `[{ name, type, bounds? }]`, text `name: Type` (`bounds=[…]` for histograms). */
export function formatTypes(reply: ResponseOf<'ListTypes'>, format: OutputFormat): string {
  const entries = reply.types.map(entry => ({
    name: entry.name,
    type: typeLabel(entry.type),
    ...(entry.bounds.length > 0 ? { bounds: entry.bounds } : {}),
  }));
  if (format === 'json') return prettyJson(entries);
  return lines(
    entries.map(entry =>
      entry.bounds
        ? `${entry.name}: ${entry.type} bounds=${JSON.stringify(entry.bounds)}`
        : `${entry.name}: ${entry.type}`,
    ),
  );
}

/** `taba status`: the instances as JSON, or `service instance address: key=value …` lines. */
export function formatStatus(reply: ResponseOf<'GetStatus'>, format: OutputFormat): string {
  if (format === 'json') return prettyJson(reply.instances);
  return lines(
    reply.instances.map(instance => {
      const facts = renderText({
        version: instance.version,
        startedAt: new Date(instance.startedAt * 1000).toISOString(),
        metrics: instance.metrics,
        details: instance.details,
      });
      return `${instance.service} ${instance.instanceId} ${instance.address}: ${facts}`;
    }),
  );
}

/**
 * `taba cardinality`: JSON `{ tabs, clients, states, topTabs, topClients }`, text the totals
 * then `tab NAME CLIENTS` and `client ID TABS` lines, most first.
 */
export function formatCardinality(
  reply: ResponseOf<'GetCardinality'>,
  format: OutputFormat,
): string {
  const report = cardinalityReport(reply);
  if (format === 'json') return prettyJson(report);
  return lines([
    `tabs=${report.tabs} clients=${report.clients} states=${report.states}`,
    ...report.topTabs.map(tab => `tab ${tab.name} ${tab.clients}`),
    ...report.topClients.map(entry => `client ${entry.client} ${entry.tabs}`),
  ]);
}

/** `taba post`: JSON `{ applied, rejected, duplicate }`, text `applied=1 rejected=0 duplicate=false`. */
export function formatPost(reply: ResponseOf<'PostEvents'>, format: OutputFormat): string {
  const summary = {
    applied: reply.applied,
    rejected: reply.rejectedCount,
    duplicate: reply.duplicate,
  };
  return format === 'json' ? prettyJson(summary) : `${renderText(summary)}\n`;
}
