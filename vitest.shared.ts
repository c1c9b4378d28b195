import { fileURLToPath } from 'node:url';

// Tests run the TypeScript sources: workspace imports resolve to src, not to built dist.
export const SOURCE_ALIASES = {
  '@taba/common': fileURLToPath(new URL('./libs/common/src/index.ts', import.meta.url)),
  '@taba/client': fileURLToPath(new URL('./libs/client/src/index.ts', import.meta.url)),
};
