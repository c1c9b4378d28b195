// What every view gets from the page: the error banner and a way to go to another view.
import type { ErrorBanner } from '../errors.js';
import type { Route } from '../hash-route.js';

export interface ViewContext {
  readonly errors: ErrorBanner;
  navigate(route: Route): void;
  /** The gateway's gRPC address for the CLI commands shown, once GET /v1/status told it. */
  gatewayAddress(): string | undefined;
}

/** Unmounts a view: stops its polling. */
export type Unmount = () => void;
