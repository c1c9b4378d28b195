import { unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
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

/**
 * Reloads the tokens file when it changes. fs.watchFile polls the path's stat rather than
 * watching an inode, so an editor or Kubernetes replacing the file (write a new one, rename it
 * over, or swap a symlink) is seen like an edit in place. Reloads run one at a time; a change
 * seen during one is read after it.
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
  const listener = (
    current: { mtimeMs: number; size: number; ino: number },
    previous: typeof current,
  ) => {
    if (
      current.mtimeMs !== previous.mtimeMs ||
      current.size !== previous.size ||
      current.ino !== previous.ino
    ) {
      void reload();
    }
  };
  // Not persistent: the watch alone never keeps the process alive.
  watchFile(options.path, { interval: options.intervalMs, persistent: false }, listener);
  return {
    reload,
    close: () => unwatchFile(options.path, listener),
  };
}
