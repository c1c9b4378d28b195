// The `taba` command line: commander definitions, and `run`, which maps every outcome to an
// exit code (0 ok, 1 failure, 2 usage) and every error to one `taba: …` line.
import type { TabTypeName } from '@taba/common';
import { DEFAULT_GRPC_ADDRESSES, TABA_VERSION } from '@taba/common';
import { Command, CommanderError, Option } from 'commander';
import type {
  FilterOptions,
  GatewayOptions,
  Io,
  ListCommand,
  RenderCommand,
  RenderOptions,
} from './commands.js';
import {
  cardinalityCommand,
  deleteCommand,
  listCommand,
  postCommand,
  renderCommand,
  statusCommand,
} from './commands.js';
import { CliError, FAILURE_EXIT_CODE, oneLine, USAGE_EXIT_CODE, UsageError } from './errors.js';
import {
  parseAddress,
  parseCount,
  parseList,
  parseMilliseconds,
  parsePort,
  parseToken,
  parseType,
  readNumber,
} from './parse.js';
import type { UpOptions } from './up.js';
import { DEFAULT_DATA_DIR, DEFAULT_READY_TIMEOUT_MS, DEFAULT_REDIS_PORT, upCommand } from './up.js';

/** The REST/JSON bridge's default address (the gateway's TABA_REST_ADDRESS default). */
export const DEFAULT_REST_ADDRESS = '127.0.0.1:8300';
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_POST_CLIENT_ID = 'taba-cli';

/** What `run` needs from the outside world. */
export interface RunContext extends Io {
  readonly env: NodeJS.ProcessEnv;
}

/** `--token`, defaulting to $TABA_TOKEN; its value is never shown in help. */
function tokenOption(env: NodeJS.ProcessEnv): Option {
  const option = new Option(
    '--token <token>',
    'bearer token for a gateway with TABA_AUTH=required ($TABA_TOKEN sets the default)',
  ).argParser(value => parseToken('--token', value));
  const fromEnv = env.TABA_TOKEN?.trim();
  return fromEnv ? option.default(fromEnv, '$TABA_TOKEN') : option;
}

/** The --tls-* flags given, to pass on. */
function tlsFlagsOf(options: GatewayOptions): Pick<GatewayOptions, 'tlsCa' | 'tlsCert' | 'tlsKey'> {
  const { tlsCa, tlsCert, tlsKey } = options;
  return { ...(tlsCa && { tlsCa }), ...(tlsCert && { tlsCert }), ...(tlsKey && { tlsKey }) };
}

/** A file flag whose default comes from the environment ($NAME shown in the help). */
function optionalFile(flags: string, description: string, fallback: string | undefined): Option {
  const option = new Option(flags, description);
  const value = fallback?.trim();
  return value ? option.default(value) : option;
}

function addGatewayOptions(command: Command, env: NodeJS.ProcessEnv): Command {
  return command
    .option(
      '--gateway <host:port>',
      'the gateway to talk to ($TABA_GATEWAY sets the default)',
      value => parseAddress('--gateway', value),
      env.TABA_GATEWAY?.trim() || DEFAULT_GRPC_ADDRESSES.gateway,
    )
    .option(
      '--timeout <ms>',
      'deadline of the call',
      value => parseMilliseconds('--timeout', value),
      DEFAULT_TIMEOUT_MS,
    )
    .addOption(tokenOption(env))
    .addOption(
      optionalFile(
        '--tls-ca <file>',
        'TLS to the gateway, trusting this CA, PEM ($TABA_TLS_CA_FILE sets the default)',
        env.TABA_TLS_CA_FILE,
      ),
    )
    .addOption(
      optionalFile(
        '--tls-cert <file>',
        'client certificate for mTLS, PEM ($TABA_TLS_CLIENT_CERT_FILE)',
        env.TABA_TLS_CLIENT_CERT_FILE,
      ),
    )
    .addOption(
      optionalFile(
        '--tls-key <file>',
        'key of --tls-cert, PEM ($TABA_TLS_CLIENT_KEY_FILE)',
        env.TABA_TLS_CLIENT_KEY_FILE,
      ),
    )
    .addOption(new Option('--json', 'print one pretty JSON document (the default)'))
    .addOption(new Option('--text', 'print one `name: value` line per Tab').conflicts('json'));
}

function addFilterOptions(command: Command): Command {
  return command
    .option('--re', 'treat NAMEs and --client values as regular expressions')
    .option('--client <ids>', 'only these clients (comma-separated)', value =>
      parseList('--client', value),
    );
}

const FILTER_HELP = `
NAMEs are exact Tab names; with --re they are patterns, and a Tab is selected when any one
matches. No NAME selects every Tab.`;

function renderCommandOf(
  program: Command,
  context: RunContext,
  name: RenderCommand,
  description: string,
  example: string,
): void {
  const command = program.command(`${name} [NAME...]`).description(description);
  addFilterOptions(addGatewayOptions(command, context.env))
    .addOption(
      new Option('--detail', 'JSON with the per-bucket series of every window').conflicts('text'),
    )
    .addHelpText('after', `${FILTER_HELP}\n\nExample:\n  ${example}\n`)
    .action((names: string[], options: RenderOptions) =>
      renderCommand(name, names, options, context),
    );
}

function listCommandOf(
  program: Command,
  context: RunContext,
  name: ListCommand,
  description: string,
  example: string,
): void {
  const command = program.command(`${name} [NAME...]`).description(description);
  addFilterOptions(addGatewayOptions(command, context.env))
    .addHelpText('after', `${FILTER_HELP}\n\nExample:\n  ${example}\n`)
    .action((names: string[], options: FilterOptions) =>
      listCommand(name, names, options, context),
    );
}

interface RawPostOptions extends GatewayOptions {
  readonly type: TabTypeName;
  readonly client: string;
  readonly expiry?: string;
  readonly bounds?: readonly string[];
  readonly string?: boolean;
}

/** The whole command tree; actions write through `context` and throw CliError on failure. */
export function createProgram(context: RunContext, exit: { code: number }): Command {
  const program = new Command('taba')
    .description(
      'Taba: distributed event aggregation. Run the stack, post events, read Aggregates.',
    )
    .version(TABA_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: text => context.out(text),
      writeErr: text => context.err(text),
      // Errors are printed once, as one line, by `run`.
      outputError: () => {},
    })
    .showSuggestionAfterError(true);

  program
    .command('up')
    .description(
      'run Redis and the four services on this machine until Ctrl-C (logs relayed, prefixed)',
    )
    .option(
      '--grpc <host:port>',
      'gateway gRPC address (the public API)',
      value => parseAddress('--grpc', value),
      DEFAULT_GRPC_ADDRESSES.gateway,
    )
    .option(
      '--rest <host:port>',
      'gateway REST/JSON address',
      value => parseAddress('--rest', value),
      DEFAULT_REST_ADDRESS,
    )
    .option(
      '--ingest <host:port>',
      'ingest gRPC address',
      value => parseAddress('--ingest', value),
      DEFAULT_GRPC_ADDRESSES.ingest,
    )
    .option(
      '--aggregator <host:port>',
      'aggregator gRPC address',
      value => parseAddress('--aggregator', value),
      DEFAULT_GRPC_ADDRESSES.aggregator,
    )
    .option(
      '--query <host:port>',
      'query gRPC address',
      value => parseAddress('--query', value),
      DEFAULT_GRPC_ADDRESSES.query,
    )
    .option(
      '--redis-port <port>',
      'port of the local redis-server (127.0.0.1 only)',
      value => parsePort('--redis-port', value),
      DEFAULT_REDIS_PORT,
    )
    .option(
      '--data-dir <dir>',
      'Redis data goes to <dir>/redis (append-only file)',
      DEFAULT_DATA_DIR,
    )
    .option(
      '--ready-timeout <ms>',
      'bound on Redis and each service becoming ready',
      value => parseMilliseconds('--ready-timeout', value),
      DEFAULT_READY_TIMEOUT_MS,
    )
    .addHelpText(
      'after',
      `
Starts redis-server (from PATH; data in <data-dir>/redis, appendonly yes, 127.0.0.1) unless
TABA_REDIS_SHARDS names Redis already, then the gateway, ingest, aggregator and query
services from source, and waits until each reports SERVING over grpc.health.v1.Health.
Children's output is relayed with a "<name> | " prefix. Ctrl-C or SIGTERM stops the
gateway first and the aggregator last, then Redis, and exits 0; if a child exits early,
its last lines are printed, everything stops and taba exits 1.

Example:
  taba up --grpc 127.0.0.1:9301 --redis-port 9399 --data-dir /tmp/taba
`,
    )
    .action(async (options: UpOptions) => {
      const resolved: UpOptions = { ...options };
      exit.code = await upCommand(resolved, context, context.env);
    });

  renderCommandOf(
    program,
    context,
    'agg',
    'the Aggregate of each selected Tab, merged over the selected clients',
    'taba agg requests latency --client web-1,web-2 --text',
  );
  renderCommandOf(
    program,
    context,
    'proj',
    'the per-client States (projections) of each selected Tab',
    'taba proj --re "^queue\\." --json',
  );
  renderCommandOf(
    program,
    context,
    'super',
    'all selected Tabs (of one type) merged into one Aggregate',
    'taba super --re "^requests\\.(web|api)$"',
  );
  listCommandOf(
    program,
    context,
    'names',
    'the Tab names (with --client: those they wrote)',
    'taba names --client web-1',
  );
  listCommandOf(
    program,
    context,
    'clients',
    'the client IDs that wrote the selected Tabs',
    'taba clients --text',
  );
  listCommandOf(
    program,
    context,
    'types',
    'the type (and histogram bounds) of each Tab',
    'taba types --re "^latency"',
  );

  addGatewayOptions(
    program.command('status').description('what every running instance reports'),
    context.env,
  )
    .addHelpText('after', '\nExample:\n  taba status --text\n')
    .action((options: GatewayOptions) => statusCommand(options, context));

  addGatewayOptions(
    program
      .command('cardinality')
      .description('the Tabs with the most clients and the clients with the most Tabs'),
    context.env,
  )
    .option('--top <n>', 'how many of each to list (default 20)', value =>
      parseCount('--top', value),
    )
    .addHelpText('after', '\nExample:\n  taba cardinality --top 5 --text\n')
    .action((options: GatewayOptions & { top?: number }) => cardinalityCommand(options, context));

  addGatewayOptions(
    program
      .command('post <NAME> <VALUE>')
      .description('post one event (a single attempt, with seq 0)'),
    context.env,
  )
    .option(
      '--type <type>',
      'the Tab type, e.g. CounterGroup, Gauge, Histogram',
      value => parseType('--type', value),
      'COUNTER_GROUP' as TabTypeName,
    )
    .option('--client <id>', 'the client ID to post as', DEFAULT_POST_CLIENT_ID)
    .option('--expiry <seconds>', 'ExpiryGauge and Buffer: expires this many seconds from now')
    .option('--bounds <list>', 'Histogram: bucket upper bounds, e.g. 1,5,10', value =>
      parseList('--bounds', value),
    )
    .option('--string', 'send VALUE as a string even when it reads as a number')
    .addHelpText(
      'after',
      `
VALUE is a number (negative ones too: taba post temperature -3.5), or a string for
Gauge, ExpiryGauge, Buffer and Unique.

Examples:
  taba post requests 1
  taba post version v1.4.2 --type Gauge --client web-1
  taba post leader node-a --type ExpiryGauge --expiry 60
  taba post sizes 7 --type Histogram --bounds 1,5,10
`,
    )
    .action((name: string, value: string, options: RawPostOptions) => {
      const expiry = options.expiry === undefined ? undefined : readNumber(options.expiry);
      if (options.expiry !== undefined && (expiry === undefined || expiry <= 0)) {
        throw new UsageError(
          `--expiry must be a positive number of seconds, got "${options.expiry}"`,
        );
      }
      const bounds = options.bounds?.map(bound => {
        const parsed = readNumber(bound);
        if (parsed === undefined) throw new UsageError(`--bounds: "${bound}" is not a number`);
        return parsed;
      });
      return postCommand(
        name,
        value,
        {
          gateway: options.gateway,
          timeout: options.timeout,
          ...(options.token === undefined ? {} : { token: options.token }),
          ...(options.text ? { text: true } : {}),
          ...tlsFlagsOf(options),
          type: options.type,
          clientId: options.client,
          ...(expiry === undefined ? {} : { expiry }),
          ...(bounds === undefined ? {} : { bounds }),
          ...(options.string ? { string: true } : {}),
        },
        context,
      );
    });

  const remove = program
    .command('delete <NAME...>')
    .description("delete Tabs (every client's State of each)");
  addFilterOptions(addGatewayOptions(remove, context.env))
    .addHelpText('after', '\nExample:\n  taba delete requests.old --re\n')
    .action((names: string[], options: FilterOptions) => deleteCommand(names, options, context));

  return program;
}

/** Commander's message without its `error: ` prefix, on one line. */
function commanderMessage(error: CommanderError): string {
  return oneLine(error.message.replace(/^error: /, ''));
}

/** Runs `taba <argv>`; resolves the exit code. Never throws. */
export async function run(argv: readonly string[], context: RunContext): Promise<number> {
  const exit = { code: 0 };
  if (argv.length === 0) {
    context.err("taba: missing command; try 'taba --help'\n");
    return USAGE_EXIT_CODE;
  }
  try {
    await createProgram(context, exit).parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
      context.err(`taba: ${commanderMessage(error)}\n`);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof CliError) {
      context.err(`taba: ${oneLine(error.message)}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    context.err(`taba: ${oneLine(message)}\n`);
    return FAILURE_EXIT_CODE;
  }
}
