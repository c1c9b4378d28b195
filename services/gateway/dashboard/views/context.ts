// What every view gets from the page: the error banner and the gateway's gRPC address.
import type { ErrorBanner } from '../errors.js';

export interface ViewContext {
  readonly errors: ErrorBanner;
  /** The gateway's gRPC address for the CLI commands shown, once GET /v1/status told it. */
  gatewayAddress(): string | undefined;
}

/** Unmounts a view: stops its polling. */
export type Unmount = () => void;

/** `{ gateway }` for cliCommand, when the page knows the gateway's gRPC address. */
export function gatewayOption(context: ViewContext): { gateway?: string } {
  const address = context.gatewayAddress();
  return address === undefined ? {} : { gateway: address };
}
