// The `taba` command that prints what a view shows (docs/cli.md), to copy. Pure, unit-tested.

/** Quotes `word` for a POSIX shell when it holds anything but safe characters. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:,=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export interface CommandTarget {
  /** `agg`: GetAggregates, `proj`: GetProjections, `super`: GetSuperAggregate. */
  readonly command: 'agg' | 'proj' | 'super';
  readonly names: readonly string[];
  readonly clients: readonly string[];
  readonly regex: boolean;
  readonly detail: boolean;
  /** The gateway's gRPC address, when the page knows it (GET /v1/status). */
  readonly gateway?: string;
}

export function cliCommand(target: CommandTarget): string {
  const words = ['taba', target.command, ...target.names.map(shellWord)];
  if (target.regex) words.push('--re');
  if (target.clients.length > 0) words.push('--client', shellWord(target.clients.join(',')));
  if (target.detail) words.push('--detail');
  if (target.gateway !== undefined) words.push('--gateway', shellWord(target.gateway));
  return words.join(' ');
}
