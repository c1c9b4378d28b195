import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The fault suite (`npm run test:faults`): whole clusters of child processes, one file at a
// time (they would otherwise fight over this machine's two cores), each fault in order.
const commonSource = fileURLToPath(new URL('./libs/common/src/index.ts', import.meta.url));
const clientSource = fileURLToPath(new URL('./libs/client/src/index.ts', import.meta.url));

export default defineConfig({
  resolve: { alias: { '@taba/common': commonSource, '@taba/client': clientSource } },
  test: {
    globals: false,
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
