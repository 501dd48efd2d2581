// The default suite (`npm test`): everything under test/ except the slow system suite.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    exclude: ['test/system/**', 'node_modules/**', 'cdk.out/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
