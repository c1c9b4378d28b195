// The commands that talk to the gateway: queries, post, delete.
import type { ClientTlsFiles, TabTypeName } from '@taba/common';
import { tabaTypeName } from '@taba/common';
import { FailureError, oneLine, UsageError } from './errors.js';
import type { OutputFormat } from './format.js';
import {
  formatAggregates,
  formatCardinality,
  formatList,
  formatPost,
  formatProjections,
  formatStatus,
  formatSuperAggregate,
  formatTypes,
} from './format.js';
import type { RequestOf } from './gateway.js';
import { GatewayClient } from './gateway.js';
import { checkNames, readNumber } from './parse.js';

/** Where a command writes. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Flags every gateway command has. */
export interface GatewayOptions {
  readonly gateway: string;
  readonly timeout: number;
  /** Bearer token for a gateway with TABA_AUTH=required (--token, TABA_TOKEN). */
  readonly token?: string;
  readonly text?: boolean;
  /** TLS to the gateway: the CA file (--tls-ca), with a client certificate (--tls-cert, --tls-key). */
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/** Flags of the commands that select Tabs and clients. */
export interface FilterOptions extends GatewayOptions {
  readonly re?: boolean;
  readonly client?: readonly string[];
}

/** Flags of agg, proj and super. */
export interface RenderOptions extends FilterOptions {
  readonly detail?: boolean;
}

export type RenderCommand = 'agg' | 'proj' | 'super';

function formatOf(options: GatewayOptions): OutputFormat {
  return options.text ? 'text' : 'json';
}

/** The TLS files of the flags; plaintext without --tls-ca. */
function tlsOf(options: GatewayOptions): ClientTlsFiles | undefined {
  const { tlsCa, tlsCert, tlsKey } = options;
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together');
  }
  if (tlsCa === undefined) {
    if (tlsCert !== undefined) throw new UsageError('--tls-cert needs --tls-ca');
    return undefined;
  }
  return { caFile: tlsCa, ...(tlsCert && tlsKey && { certFile: tlsCert, keyFile: tlsKey }) };
}

async function withGateway<T>(
  options: GatewayOptions,
  use: (gateway: GatewayClient) => Promise<T>,
): Promise<T> {
  const gateway = new GatewayClient(
    options.gateway,
    options.timeout,
    options.token,
    tlsOf(options),
  );
  try {
    return await use(gateway);
  } finally {
    gateway.close();
  }
}

function filterOf(names: readonly string[], options: FilterOptions) {
  const regex = options.re ?? false;
  const clients = options.client ?? [];
  checkNames('name', names, regex);
  checkNames('client ID', clients, regex);
  return { names: [...names], clients: [...clients], regex };
}

function modeOf(options: RenderOptions): RequestOf<'GetAggregates'>['mode'] {
  if (options.text) return 'TEXT';
  return options.detail ? 'DETAIL' : 'JSON';
}

/** `taba agg|proj|super NAME…` */
export async function renderCommand(
  command: RenderCommand,
  names: readonly string[],
  options: RenderOptions,
  io: Io,
): Promise<void> {
  if (options.detail && options.text)
    throw new UsageError('--detail and --text exclude each other');
  const request: RequestOf<'GetAggregates'> = {
    filter: filterOf(names, options),
    mode: modeOf(options),
  };
  const format = formatOf(options);
  await withGateway(options, async gateway => {
    if (command === 'agg') {
      io.out(formatAggregates(await gateway.call('GetAggregates', request), format));
    } else if (command === 'proj') {
      io.out(formatProjections(await gateway.call('GetProjections', request), format));
    } else {
      io.out(formatSuperAggregate(await gateway.call('GetSuperAggregate', request), format));
    }
  });
}

export type ListCommand = 'names' | 'clients' | 'types';

/** `taba names|clients|types [NAME…]` */
export async function listCommand(
  command: ListCommand,
  names: readonly string[],
  options: FilterOptions,
  io: Io,
): Promise<void> {
  const request: RequestOf<'ListNames'> = { filter: filterOf(names, options) };
  const format = formatOf(options);
  await withGateway(options, async gateway => {
    if (command === 'names') {
      io.out(formatList((await gateway.call('ListNames', request)).names, format));
    } else if (command === 'clients') {
      io.out(formatList((await gateway.call('ListClients', request)).clientIds, format));
    } else {
      io.out(formatTypes(await gateway.call('ListTypes', request), format));
    }
  });
}

/** `taba status` */
export async function statusCommand(options: GatewayOptions, io: Io): Promise<void> {
  await withGateway(options, async gateway => {
    io.out(formatStatus(await gateway.call('GetStatus', {}), formatOf(options)));
  });
}

/** `taba cardinality [--top N]` */
export async function cardinalityCommand(
  options: GatewayOptions & { readonly top?: number },
  io: Io,
): Promise<void> {
  await withGateway(options, async gateway => {
    const reply = await gateway.call('GetCardinality', { top: options.top ?? 0 });
    io.out(formatCardinality(reply, formatOf(options)));
  });
}

/** `taba delete NAME…` */
export async function deleteCommand(
  names: readonly string[],
  options: FilterOptions,
  io: Io,
): Promise<void> {
  if (names.length === 0) throw new UsageError('delete needs at least one NAME');
  const request: RequestOf<'DeleteTabs'> = { filter: filterOf(names, options) };
  await withGateway(options, async gateway => {
    io.out(formatList((await gateway.call('DeleteTabs', request)).deleted, formatOf(options)));
  });
}

export interface PostOptions extends GatewayOptions {
  readonly type: TabTypeName;
  readonly clientId: string;
  /** Seconds from now. */
  readonly expiry?: number;
  readonly bounds?: readonly number[];
  /** Send VALUE as a string even when it reads as a number. */
  readonly string?: boolean;
}

const NEEDS_EXPIRY: ReadonlySet<TabTypeName> = new Set(['EXPIRY_GAUGE', 'BUFFER']);
const TAKES_STRINGS: ReadonlySet<TabTypeName> = new Set([
  'GAUGE',
  'EXPIRY_GAUGE',
  'BUFFER',
  'UNIQUE',
]);

/** The one-event column `taba post` sends, checked like the client library checks it. */
export function postColumn(
  name: string,
  valueText: string,
  options: PostOptions,
  now: number,
): NonNullable<RequestOf<'PostEvents'>['tabs']>[number] {
  const { type } = options;
  const label = tabaTypeName(type);
  checkNames('name', [name], false);
  checkNames('client ID', [options.clientId], false);
  const number = options.string ? undefined : readNumber(valueText);
  if (number === undefined && !TAKES_STRINGS.has(type)) {
    throw new UsageError(`VALUE must be a finite number for ${label}, got "${valueText}"`);
  }
  if (NEEDS_EXPIRY.has(type) && options.expiry === undefined) {
    throw new UsageError(`${label} needs --expiry SECONDS`);
  }
  if (!NEEDS_EXPIRY.has(type) && options.expiry !== undefined) {
    throw new UsageError(`${label} takes no --expiry (only ExpiryGauge and Buffer do)`);
  }
  if (type === 'HISTOGRAM' && options.bounds === undefined) {
    throw new UsageError('Histogram needs --bounds, e.g. --bounds 1,5,10');
  }
  if (type !== 'HISTOGRAM' && options.bounds !== undefined) {
    throw new UsageError(`${label} takes no --bounds (only Histogram does)`);
  }
  return {
    name,
    type,
    timestamps: [now],
    values: number === undefined ? [] : [number],
    strings: number === undefined ? [valueText] : [],
    expiries: options.expiry === undefined ? [] : [now + options.expiry],
    bounds: options.bounds ? [...options.bounds] : [],
  };
}

/**
 * `taba post NAME VALUE`: one event, one PostEvents call, seq 0 (at-least-once; the CLI
 * makes one attempt and never retries). A rejected event exits 1 with its code and reason.
 */
export async function postCommand(
  name: string,
  valueText: string,
  options: PostOptions,
  io: Io,
): Promise<void> {
  const now = Date.now() / 1000;
  const column = postColumn(name, valueText, options, now);
  const batch: RequestOf<'PostEvents'> = {
    clientId: options.clientId,
    seq: 0,
    sentAt: now,
    tabs: [column],
  };
  await withGateway(options, async gateway => {
    const reply = await gateway.call('PostEvents', batch);
    if (reply.rejectedCount > 0) {
      const first = reply.rejected[0];
      const why = first ? `${first.code}: ${oneLine(first.reason)}` : 'no reason given';
      throw new FailureError(`the event was rejected: ${why}`);
    }
    io.out(formatPost(reply, formatOf(options)));
  });
}
