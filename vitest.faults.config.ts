import { defineConfig } from 'vitest/config';
import { SOURCE_ALIASES } from './vitest.shared.js';

// The fault suite (`npm run test:faults`): whole clusters of child processes, one file at a
// time (they would otherwise fight over this machine's two cores), each fault in order.

export default defineConfig({
  resolve: { alias: SOURCE_ALIASES },
  test: {
    globals: false,
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
