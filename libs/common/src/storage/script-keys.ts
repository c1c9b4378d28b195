/**
 * The KEYS of a Lua script call, each once, with the 1-based index ARGV refers to it by: a
 * script that touches many keys names each key once and its arguments point at them.
 */
export class ScriptKeys {
  readonly keys: string[] = [];
  private readonly index = new Map<string, number>();

  /** The key's index in KEYS (1-based, as Lua counts), adding it on first use. */
  indexOf(key: string): number {
    let at = this.index.get(key);
    if (at === undefined) {
      this.keys.push(key);
      at = this.keys.length;
      this.index.set(key, at);
    }
    return at;
  }

  /**
   * A key used once in the call (a cell): its index, without the lookup that finds a repeated
   * key (a key listed twice is harmless, only longer).
   */
  onceIndex(key: string): number {
    this.keys.push(key);
    return this.keys.length;
  }

  /** The same index as text, as it goes into ARGV. */
  of(key: string): string {
    return String(this.indexOf(key));
  }
}
