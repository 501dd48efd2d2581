// The system suite (`npm run test:system`): real local servers, separate processes, faults, load.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Lambda runs Node 22; the SDK's notice about Node 20 is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    root: new URL('..', import.meta.url).pathname,
    include: ['test/system/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
