import { describe, expect, it } from 'vitest';
import { RecentLatency, RecentRate } from './recent-stats.js';

describe('RecentRate', () => {
  it('averages the complete seconds of the window and forgets older ones', () => {
    let now = 1000.5;
    const rate = new RecentRate(10, () => now);
    rate.add(30);
    now = 1001.2;
    rate.add(50);
    rate.add(20);
    now = 1002.9; // seconds 1000 and 1001 are complete; 1002 is not counted yet
    rate.add(1000);
    expect(rate.perSecond()).toBe((30 + 70) / 10);
    now = 1011.1; // the window is 1001…1010: second 1000 has left it
    expect(rate.perSecond()).toBe((70 + 1000) / 10);
    now = 1030;
    expect(rate.perSecond()).toBe(0);
  });
});

describe('RecentLatency', () => {
  it('gives p50, p99 and max of the last samples only', () => {
    const latency = new RecentLatency(100);
    for (let i = 1; i <= 100; i += 1) latency.add(i);
    expect(latency.summary()).toEqual({ p50: 51, p99: 100, max: 100 });
    for (let i = 0; i < 100; i += 1) latency.add(5);
    expect(latency.summary()).toEqual({ p50: 5, p99: 5, max: 5 });
    expect(new RecentLatency().metrics('x')).toEqual({ x_p50: 0, x_p99: 0, x_max: 0 });
  });
});
