import type { ChildProcess } from 'node:child_process';

/** What a child process has written so far, per stream. */
export interface ChildOutput {
  stdout(): string;
  stderr(): string;
}

/** Collects a piped child's stdout and stderr as text, in full, from now on. */
export function captureOutput(child: ChildProcess): ChildOutput {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return { stdout: () => stdout, stderr: () => stderr };
}
