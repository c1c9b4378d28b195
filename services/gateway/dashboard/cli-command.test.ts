import { describe, expect, it } from 'vitest';
import { cliCommand, shellWord } from './cli-command.js';

describe('cliCommand', () => {
  it('prints the taba command of what a view shows', () => {
    expect(
      cliCommand({ command: 'agg', names: ['bid'], clients: [], regex: false, detail: true }),
    ).toBe('taba agg bid --detail');
    expect(
      cliCommand({
        command: 'super',
        names: ['^bid\\.'],
        clients: ['web-1', 'web-2'],
        regex: true,
        detail: true,
        gateway: '127.0.0.1:8301',
      }),
    ).toBe("taba super '^bid\\.' --re --client web-1,web-2 --detail --gateway 127.0.0.1:8301");
  });

  it('quotes what a shell would read otherwise', () => {
    expect(shellWord('a.b-c')).toBe('a.b-c');
    expect(shellWord('a(b)*')).toBe("'a(b)*'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
  });
});
