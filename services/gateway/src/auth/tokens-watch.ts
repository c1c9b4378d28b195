import { statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { TokenEntry } from './tokens-file.js';
import { parseTokensFile } from './tokens-file.js';

export interface TokensWatchOptions {
  readonly path: string;
  /** How often the file's mtime, size and inode are compared, ms. */
  readonly intervalMs: number;
  /** A reload that parsed: the new tokens. */
  readonly onLoad: (entries: TokenEntry[]) => void;
  /** A reload that failed (unreadable, or bad): the tokens stay as they were. */
  readonly onError: (error: Error) => void;
}

export interface TokensWatch {
  /** Reads the file again now (SIGHUP). Resolves once the reload settled. */
  reload(): Promise<void>;
  close(): void;
}

/** Reads and parses the tokens file; throws on any problem (the caller keeps what it had). */
export async function loadTokensFile(path: string): Promise<TokenEntry[]> {
  return parseTokensFile(await readFile(path, 'utf8'));
}

/** What tells one version of the file from the next; undefined while the file is missing. */
type Seen = { mtimeMs: number; size: number; ino: number } | undefined;

function sameFile(a: Seen, b: Seen): boolean {
  return a?.mtimeMs === b?.mtimeMs && a?.size === b?.size && a?.ino === b?.ino;
}

function seenOf(value: { mtimeMs: number; size: number; ino: number }): Seen {
  return { mtimeMs: value.mtimeMs, size: value.size, ino: value.ino };
}

/**
 * Reloads the tokens file when it changes: every `intervalMs` its path's stat (mtime, size,
 * inode) is compared with the last one seen, so an editor or Kubernetes replacing the file
 * (write a new one, rename it over, or swap a symlink) is seen like an edit in place. The first
 * stat is taken when the watch starts, synchronously: start the watch before the first read,
 * and no change between the two is missed. Reloads run one at a time; a change seen during one
 * is read after it.
 */
export function watchTokensFile(options: TokensWatchOptions): TokensWatch {
  let running: Promise<void> | undefined;
  let again = false;
  const once = async () => {
    try {
      options.onLoad(await loadTokensFile(options.path));
    } catch (error) {
      options.onError(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const reload = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await once();
      } while (again);
      running = undefined;
    })();
    return running;
  };
  let seen: Seen;
  try {
    seen = seenOf(statSync(options.path));
  } catch {
    seen = undefined;
  }
  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      let current: Seen;
      try {
        current = seenOf(await stat(options.path));
      } catch {
        current = undefined;
      }
      if (!sameFile(current, seen)) {
        seen = current;
        void reload();
      }
    } finally {
      checking = false;
    }
  };
  // Unref'd: the watch alone never keeps the process alive.
  const timer = setInterval(() => void check(), options.intervalMs);
  timer.unref();
  return {
    reload,
    close: () => clearInterval(timer),
  };
}
