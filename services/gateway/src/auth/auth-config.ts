import type { Env } from '@taba/common';
import { ConfigError, readChoice, readInteger, readOptionalString } from '@taba/common';

export const AUTH_MODES = ['off', 'required'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** How the gateway checks its callers. */
export interface AuthConfig {
  /** TABA_AUTH: `required` (every call needs a token) or `off`. @default 'off' */
  readonly mode: AuthMode;
  /** TABA_AUTH_TOKENS_FILE: the tokens file, JSON or YAML; required with TABA_AUTH=required. */
  readonly tokensFile?: string;
  /** TABA_AUTH_RELOAD_INTERVAL_MS: how often the file is checked for a change. @default 1000 */
  readonly reloadIntervalMs: number;
}

export function loadAuthConfig(env: Env): AuthConfig {
  const mode = readChoice(env, 'TABA_AUTH', AUTH_MODES, 'off');
  const tokensFile = readOptionalString(env, 'TABA_AUTH_TOKENS_FILE');
  if (mode === 'required' && tokensFile === undefined) {
    throw new ConfigError('TABA_AUTH_TOKENS_FILE', 'is required with TABA_AUTH=required');
  }
  return Object.freeze({
    mode,
    ...(tokensFile === undefined ? {} : { tokensFile }),
    reloadIntervalMs: readInteger(env, 'TABA_AUTH_RELOAD_INTERVAL_MS', 1000, {
      min: 50,
      max: 3_600_000,
    }),
  });
}
