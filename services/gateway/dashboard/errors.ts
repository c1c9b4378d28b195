// The page's error banner: every failed call shows its HTTP status, gRPC code and reason
// until the same call succeeds; nothing is swallowed.
import { ApiError } from './api.js';
import { h, replace } from './dom.js';

export class ErrorBanner {
  private readonly failures = new Map<string, string>();

  constructor(private readonly element: HTMLElement) {}

  /** Shows why call `key` failed. */
  report(key: string, error: unknown): void {
    const text =
      error instanceof ApiError
        ? error.describe()
        : error instanceof Error
          ? error.message
          : String(error);
    this.failures.set(key, text);
    this.draw();
  }

  /** Call `key` succeeded: its error goes. */
  clear(key: string): void {
    if (this.failures.delete(key)) this.draw();
  }

  /** A new view starts without the last one's errors. */
  reset(): void {
    this.failures.clear();
    this.draw();
  }

  private draw(): void {
    this.element.hidden = this.failures.size === 0;
    replace(
      this.element,
      ...[...new Set(this.failures.values())].map(text => h('div', { class: 'error-line' }, text)),
    );
  }
}
