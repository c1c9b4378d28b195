// A gRPC reflection client that knows no Taba .proto: it speaks grpc.reflection.v1 (the proto
// shipped with @grpc/reflection) and builds a package definition from the FileDescriptorProtos
// the server sends.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type {
  ChannelCredentials,
  GrpcObject,
  Metadata,
  ServiceClientConstructor,
} from '@grpc/grpc-js';
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { loadFileDescriptorSetFromBuffer, loadSync } from '@grpc/proto-loader';
import protobuf from 'protobufjs/minimal.js';

const require = createRequire(import.meta.url);
const REFLECTION_PROTO = join(
  dirname(require.resolve('@grpc/reflection/package.json')),
  'build/proto/grpc/reflection/v1/reflection.proto',
);

interface ReflectionResponse {
  readonly listServicesResponse?: { readonly service: readonly { readonly name: string }[] };
  readonly fileDescriptorResponse?: { readonly fileDescriptorProto: readonly Buffer[] };
  readonly errorResponse?: { readonly errorCode: number; readonly errorMessage: string };
}

interface ReflectionStream {
  write(request: object): void;
  end(): void;
  on(event: 'data', listener: (response: ReflectionResponse) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}

type ReflectionClient = {
  serverReflectionInfo(metadata: Metadata): ReflectionStream;
  close(): void;
};

function reflectionClient(address: string, channel: ChannelCredentials): ReflectionClient {
  const definition = loadSync(REFLECTION_PROTO, { keepCase: false, longs: Number, defaults: true });
  const grpc = loadPackageDefinition(definition) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: ServiceClientConstructor } } };
  };
  const Client = grpc.grpc.reflection.v1.ServerReflection;
  return new Client(address, channel) as unknown as ReflectionClient;
}

/** One request on a fresh ServerReflectionInfo stream, and its one answer. */
function ask(
  client: ReflectionClient,
  metadata: Metadata,
  request: object,
): Promise<ReflectionResponse> {
  return new Promise((resolve, reject) => {
    const stream = client.serverReflectionInfo(metadata);
    stream.on('data', response => {
      resolve(response);
      stream.end();
    });
    stream.on('error', reject);
    stream.write(request);
  });
}

/** A FileDescriptorSet (field 1, repeated FileDescriptorProto) of the files sent. */
function descriptorSet(files: readonly Buffer[]): Buffer {
  const writer = protobuf.Writer.create();
  for (const file of files) writer.uint32((1 << 3) | 2).bytes(file);
  return Buffer.from(writer.finish());
}

export interface Reflected {
  /** The services the server lists. */
  readonly services: readonly string[];
  /** Package definition built from the descriptors of `symbol`'s file and its dependencies. */
  describe(symbol: string): Promise<PackageDefinition>;
  close(): void;
}

/** Lists the services of the server at `address` through reflection. */
export async function reflect(
  address: string,
  metadata: Metadata,
  channel: ChannelCredentials = credentials.createInsecure(),
): Promise<Reflected> {
  const client = reflectionClient(address, channel);
  try {
    const listed = await ask(client, metadata, { listServices: '' });
    return {
      services: (listed.listServicesResponse?.service ?? []).map(service => service.name),
      describe: async symbol => {
        const answer = await ask(client, metadata, { fileContainingSymbol: symbol });
        const files = answer.fileDescriptorResponse?.fileDescriptorProto;
        if (!files) throw new Error(`no descriptors for ${symbol}: ${JSON.stringify(answer)}`);
        return loadFileDescriptorSetFromBuffer(descriptorSet(files), {
          keepCase: false,
          longs: Number,
          defaults: true,
        });
      },
      close: () => client.close(),
    };
  } catch (error) {
    client.close();
    throw error;
  }
}

/** The client constructor of `service` ('pkg.Service') in a reflected package definition. */
export function reflectedClient(
  definition: PackageDefinition,
  service: string,
): ServiceClientConstructor {
  let node: GrpcObject | ServiceClientConstructor = loadPackageDefinition(definition);
  for (const part of service.split('.')) node = (node as GrpcObject)[part] as GrpcObject;
  return node as unknown as ServiceClientConstructor;
}
