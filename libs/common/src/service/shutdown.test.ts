import { describe, expect, it } from 'vitest';
import { Shutdown } from './shutdown.js';

describe('Shutdown', () => {
  it('runs steps in order, once, and keeps going after a failing step', async () => {
    const ran: string[] = [];
    const failures: string[] = [];
    const shutdown = new Shutdown(step => failures.push(step));
    shutdown.add('stop intake', () => {
      ran.push('stop intake');
    });
    shutdown.add('flush', async () => {
      ran.push('flush');
      throw new Error('disk full');
    });
    shutdown.add('close store', () => {
      ran.push('close store');
    });
    const first = shutdown.run();
    const second = shutdown.run();
    expect(second).toBe(first);
    await first;
    await shutdown.run();
    expect(ran).toEqual(['stop intake', 'flush', 'close store']);
    expect(failures).toEqual(['flush']);
    expect(shutdown.started).toBe(true);
  });
});
