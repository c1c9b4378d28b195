// The batch shapes `npm run bench` measures, one fresh stack each, and BENCH_SHAPES parsing.

/** Load processes per shape: they share the 2 cores with the stack. */
export const LOAD_PROCESSES = 4;
/** PostEventsStreams per load process (each HTTP/2 stream has its own 64 KiB window). */
export const STREAMS_PER_PROCESS = 8;
/** Tabs every shape draws from ("bench.tab.0" …). */
export const BENCH_TAB_COUNT = 1000;

/** Pre-encoded columnar batches sent by load-worker.ts over PostEventsStream. */
export interface RawShape {
  readonly kind: 'raw';
  readonly name: string;
  readonly clients: number;
  readonly eventsPerBatch: number;
  readonly tabsPerBatch: number;
  /**
   * `own`: client c writes Tabs 10c … 10c+9 (mod 1,000), each Tab one writer. `shared`: every
   * client writes Tabs 0 … tabsPerBatch−1, a fleet recording the same metrics.
   */
  readonly tabs: 'own' | 'shared';
  /**
   * `client`: one batch in flight per client ID. `stream`: one per stream, each stream
   * cycling through its client IDs (bounded concurrency for many IDs).
   */
  readonly inFlight: 'client' | 'stream';
}

/** TabaClients of @taba/client with default options, driven by library-worker.ts. */
export interface LibraryShape {
  readonly kind: 'library';
  readonly name: string;
  readonly clients: number;
  readonly tabCount: number;
}

export type Shape = RawShape | LibraryShape;

export const SHAPES: readonly Shape[] = [
  {
    kind: 'raw',
    name: 'deep',
    clients: 100,
    eventsPerBatch: 20_000,
    tabsPerBatch: 10,
    tabs: 'own',
    inFlight: 'client',
  },
  {
    kind: 'raw',
    name: 'client-default',
    clients: 100,
    eventsPerBatch: 10_000,
    tabsPerBatch: 1000,
    tabs: 'shared',
    inFlight: 'client',
  },
  {
    kind: 'raw',
    name: 'wide',
    clients: 100,
    eventsPerBatch: 2000,
    tabsPerBatch: 1000,
    tabs: 'shared',
    inFlight: 'client',
  },
  {
    kind: 'raw',
    name: 'many-clients',
    clients: 10_000,
    eventsPerBatch: 1000,
    tabsPerBatch: 100,
    tabs: 'shared',
    inFlight: 'stream',
  },
  // 4 processes × 25 clients.
  { kind: 'library', name: 'library', clients: 100, tabCount: BENCH_TAB_COUNT },
];

/** The shapes BENCH_SHAPES names (comma-separated; all when unset), or an error naming the valid ones. */
export function selectShapes(list: string | undefined): Shape[] {
  if (list === undefined || list.trim() === '') return [...SHAPES];
  const names = list
    .split(',')
    .map(name => name.trim())
    .filter(Boolean);
  const unknown = names.filter(name => !SHAPES.some(shape => shape.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_SHAPES: unknown shape ${unknown.join(', ')}; valid: ${SHAPES.map(s => s.name).join(', ')}`,
    );
  }
  return SHAPES.filter(shape => names.includes(shape.name));
}

/** Tab numbers of client `index`'s batches. */
export function tabsOf(shape: RawShape, index: number): number[] {
  const base = shape.tabs === 'own' ? index * shape.tabsPerBatch : 0;
  return Array.from({ length: shape.tabsPerBatch }, (_, t) => (base + t) % BENCH_TAB_COUNT);
}

/** The client IDs of load process `worker`, grouped into lanes (one batch in flight per lane). */
export function lanesOf(
  shape: RawShape,
  worker: number,
): { readonly id: string; readonly index: number }[][] {
  const mine = Array.from({ length: shape.clients }, (_, index) => index)
    .filter(index => index % LOAD_PROCESSES === worker)
    .map(index => ({ id: `bench-client-${index}`, index }));
  if (shape.inFlight === 'client') return mine.map(client => [client]);
  return Array.from({ length: STREAMS_PER_PROCESS }, (_, lane) =>
    mine.filter((_, i) => i % STREAMS_PER_PROCESS === lane),
  );
}
