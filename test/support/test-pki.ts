// Certificates made at test time with the system's openssl: a CA, a server certificate for
// localhost and 127.0.0.1 (in subjectAltName), a client certificate, and whatever else a test
// issues, all in a temporary directory. EC P-256 keys: fast to make.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelCredentials } from '@grpc/grpc-js';
import { clientChannelCredentials } from '@taba/common';

export interface IssuedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface IssueOptions {
  /** subjectAltName entries. @default ['DNS:localhost', 'IP:127.0.0.1'] */
  readonly altNames?: readonly string[];
  /** extendedKeyUsage. @default 'serverAuth,clientAuth' */
  readonly usage?: string;
}

export interface TestPki {
  readonly dir: string;
  readonly caFile: string;
  /** For localhost and 127.0.0.1; good for serving and as a client certificate. */
  readonly server: IssuedCertificate;
  /** clientAuth only. */
  readonly client: IssuedCertificate;
  /** Issues another certificate from this CA (e.g. a renewed one, to rotate). */
  issue(name: string, options?: IssueOptions): IssuedCertificate;
  /** Variables for a service that serves TLS, trusts this CA and presents `server` as its client certificate; with `mutual`, requires client certificates. */
  serviceEnv(options?: { readonly mutual?: boolean }): Record<string, string>;
  /** gRPC channel credentials trusting this CA, with the client certificate when `withCertificate`. */
  channelCredentials(withCertificate?: boolean): ChannelCredentials;
  remove(): void;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A fresh CA (named `caName`) in its own temporary directory, with a server and a client certificate. */
export function createTestPki(caName = 'Taba Test CA'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'taba-pki-'));
  openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      `/CN=${caName}`,
    ],
    dir,
  );
  const caFile = join(dir, 'ca.crt');
  const issue = (name: string, options: IssueOptions = {}): IssuedCertificate => {
    const altNames = options.altNames ?? ['DNS:localhost', 'IP:127.0.0.1'];
    const extensions = join(dir, `${name}.ext`);
    writeFileSync(
      extensions,
      `subjectAltName=${altNames.join(',')}\nextendedKeyUsage=${options.usage ?? 'serverAuth,clientAuth'}\n`,
    );
    openssl(
      ['req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`],
      dir,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-out',
        `${name}.crt`,
        '-extfile',
        extensions,
      ],
      dir,
    );
    return { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
  };
  const server = issue('server');
  const client = issue('client', { altNames: ['DNS:taba-client'], usage: 'clientAuth' });
  return {
    dir,
    caFile,
    server,
    client,
    issue,
    serviceEnv: ({ mutual = false } = {}) => ({
      TABA_TLS_CERT_FILE: server.certFile,
      TABA_TLS_KEY_FILE: server.keyFile,
      ...(mutual ? { TABA_TLS_CLIENT_CA_FILE: caFile } : {}),
      TABA_TLS_CA_FILE: caFile,
      TABA_TLS_CLIENT_CERT_FILE: server.certFile,
      TABA_TLS_CLIENT_KEY_FILE: server.keyFile,
    }),
    channelCredentials: (withCertificate = false) =>
      clientChannelCredentials({ caFile, ...(withCertificate ? client : {}) }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
