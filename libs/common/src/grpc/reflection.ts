import type { Server } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { loadTabaPackageDefinition } from '../proto/load.js';

/**
 * Adds gRPC server reflection (v1 and v1alpha) describing `serviceNames` from our protos, so
 * `grpcurl list` and `describe` work without the .proto files. Its calls pass the same guard
 * as every other method (at the gateway: the read scope; inside: the internal token).
 */
export function addReflection(server: Server, serviceNames: readonly string[]): void {
  new ReflectionService(loadTabaPackageDefinition(), { services: [...serviceNames] }).addToServer(
    server,
  );
}
