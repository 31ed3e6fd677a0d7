import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-fhir-server.ts', 'test/setup/global-postgres.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'cds-services/**/*.ts'],
      exclude: ['src/main.ts'],
      reporter: ['text-summary', 'json-summary'],
    },
  },
});
