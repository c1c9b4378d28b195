import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition } from '@grpc/grpc-js';
import type { Options, PackageDefinition } from '@grpc/proto-loader';
import { loadSync } from '@grpc/proto-loader';
import type { ProtoGrpcType as AggregatorProto } from '../generated/aggregator.js';
import type { ProtoGrpcType as IngestProto } from '../generated/ingest.js';
import type { ProtoGrpcType as QueryProto } from '../generated/query.js';
import type { ProtoGrpcType as PublicProto } from '../generated/taba.js';

/**
 * The one option set every loader of our protos uses.
 * NOTE: scripts/gen-protos.mjs passes the same flags to the type generator; change both together.
 */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: true,
};

/** The proto files, relative to the proto root. */
export const PROTO_FILES = [
  'taba/v1/taba.proto',
  'taba/internal/v1/ingest.proto',
  'taba/internal/v1/aggregator.proto',
  'taba/internal/v1/query.proto',
] as const;

/** Every package of our contracts, typed by the generated definitions. */
export interface TabaProtos {
  readonly taba: PublicProto['taba'] & {
    readonly internal: {
      readonly v1: IngestProto['taba']['internal']['v1'] &
        AggregatorProto['taba']['internal']['v1'] &
        QueryProto['taba']['internal']['v1'];
    };
  };
}

/**
 * Finds `protos/` by walking up from this module (it sits at libs/common/{src,dist}/proto/).
 * TABA_PROTO_DIR overrides it, for images that place the protos elsewhere.
 */
export function findProtoRoot(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.TABA_PROTO_DIR?.trim();
  if (override) return override;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    const candidate = join(dir, 'protos');
    if (existsSync(join(candidate, PROTO_FILES[0]))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('cannot find the protos folder; set TABA_PROTO_DIR');
}

let cached: TabaProtos | undefined;
let cachedDefinition: PackageDefinition | undefined;

/** Every Taba proto as proto-loader's package definition (once per process): what reflection serves. */
export function loadTabaPackageDefinition(): PackageDefinition {
  cachedDefinition ??= loadSync([...PROTO_FILES], {
    ...PROTO_LOADER_OPTIONS,
    includeDirs: [findProtoRoot()],
  });
  return cachedDefinition;
}

/** Loads (once per process) every Taba proto as grpc-js service constructors and types. */
export function loadTabaProtos(): TabaProtos {
  cached ??= loadPackageDefinition(loadTabaPackageDefinition()) as unknown as TabaProtos;
  return cached;
}
