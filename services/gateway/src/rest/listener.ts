import type {
  Server as HttpServer,
  IncomingMessage,
  RequestListener,
  ServerOptions,
  ServerResponse,
} from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { createServer as createHttpsServer } from 'node:https';
import type { TlsCredentials } from '@taba/common';

export type RestListener = HttpServer | HttpsServer;

/**
 * The REST bridge's server: node:https when the gateway has a certificate (TABA_TLS_CERT_FILE;
 * with TABA_TLS_CLIENT_CA_FILE a client certificate is required), else node:http. A reload of
 * the files reaches new connections through setSecureContext. `serverOptions` (head size,
 * timeouts) apply to both.
 */
export function createRestListener(
  handler: RequestListener<typeof IncomingMessage, typeof ServerResponse>,
  tls: TlsCredentials | undefined,
  serverOptions: ServerOptions = {},
): RestListener {
  const options = tls?.httpsServerOptions();
  if (tls === undefined || options === undefined) return createHttpServer(serverOptions, handler);
  const server = createHttpsServer({ ...serverOptions, ...options }, handler);
  const unsubscribe = tls.onServerReload(context => server.setSecureContext(context));
  server.once('close', unsubscribe);
  return server;
}
