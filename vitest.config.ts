import { defineConfig } from 'vitest/config';
import { SOURCE_ALIASES } from './vitest.shared.js';

export default defineConfig({
  resolve: { alias: SOURCE_ALIASES },
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
        test: {
          name: 'services',
          // The dashboard's pure modules (no DOM) are tested here too.
          include: ['services/*/src/**/*.test.ts', 'services/gateway/dashboard/**/*.test.ts'],
        },
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
