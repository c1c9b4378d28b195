import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run the TypeScript sources: workspace imports resolve to src, not to built dist.
const commonSource = fileURLToPath(new URL('./libs/common/src/index.ts', import.meta.url));
const clientSource = fileURLToPath(new URL('./libs/client/src/index.ts', import.meta.url));

export default defineConfig({
  resolve: { alias: { '@taba/common': commonSource, '@taba/client': clientSource } },
  test: {
    globals: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'common', include: ['libs/*/src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'services', include: ['services/*/src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // The fault suite has its own command (npm run test:faults, vitest.faults.config.ts).
          exclude: ['test/faults/**'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
