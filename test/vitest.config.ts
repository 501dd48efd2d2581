// The default suite (`npm test`): everything under test/ except the slow system suite.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Lambda runs Node 22; the SDK's notice about Node 20 is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    exclude: ['test/system/**', 'node_modules/**', 'cdk.out/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
