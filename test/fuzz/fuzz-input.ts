// What an entry point is to the runner, and how its inputs are written to and read from files.
import type { SeededRandom } from '../../libs/common/src/test-support/seeded-random.js';
import type { Answer } from './verdicts.js';

/** One input: plain data (strings, numbers, Buffers), so it can be saved and sent again. */
export interface FuzzInput {
  /** What kind of input it is, for the report (e.g. `mutated`, `unpacked`). */
  readonly shape: string;
}

/**
 * What kind of input to make. `shallow`: cheap, and meant to be refused by the first process
 * it reaches (a parse error at the gateway): these are many per second. `deep`: cheap, and
 * meant to get past the first parser to the services behind. `heavy`: the largest sizes, sent
 * one at a time. An entry point whose inputs all reach the same place makes shallow ones deep.
 */
export type InputMode = 'shallow' | 'deep' | 'heavy';

export interface EntryPoint<I extends FuzzInput = FuzzInput> {
  /** One input from its own random source, of the given mode. */
  generate(random: SeededRandom, mode: InputMode): I;
  /** Sends one input; answers within about `timeoutMs` (then with a `hang`). */
  send(input: I, timeoutMs: number): Promise<Answer>;
  /** Closes connections at the end. */
  close?(): void;
}

/** JSON with Buffers as `{"base64": …}`, so a saved input replays byte for byte. */
export function inputToJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (isBufferJson(item)) return { base64: Buffer.from(item.data).toString('base64') };
      return item;
    },
    2,
  );
}

export function inputFromJson(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (
      typeof item === 'object' &&
      item !== null &&
      'base64' in item &&
      typeof item.base64 === 'string'
    ) {
      return Buffer.from(item.base64, 'base64');
    }
    return item;
  });
}

/** How JSON.stringify sees a Buffer (its toJSON runs before the replacer). */
function isBufferJson(item: unknown): item is { type: 'Buffer'; data: number[] } {
  return (
    typeof item === 'object' &&
    item !== null &&
    'type' in item &&
    item.type === 'Buffer' &&
    'data' in item &&
    Array.isArray(item.data)
  );
}
