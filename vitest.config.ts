import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  test: {
    globals: true,
    include: ["test/**/*.test.ts", "app/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // expect.poll waits for what a page or a worker does next; a busy 2-core machine needs more than the default second.
    expect: { poll: { timeout: 15_000 } },
    // One PostgreSQL (+ migrated template database) and one Redis for the whole run ...
    globalSetup: ["test/setup/global-setup.ts"],
    // ... and a fresh database, queue prefix and console.error guard for every test file.
    setupFiles: ["test/setup/per-file.ts"],
  },
});
