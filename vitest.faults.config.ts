import { defineConfig } from 'vitest/config';

// Fault-injection suite (`npm run test:faults`): real redis-server and hub processes killed,
// frozen and restarted. Slow, so apart from `npm test`; .ci/run runs both.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
