/**
 * What the browser downloads: after `remix build`, no chunk under public/build may carry a
 * server-only library (a string each one's code always contains). Zod alone was 92 KB compressed
 * on eight pages; Prisma, Stripe, Bull, ioredis and ECharts would be worse, or leak secrets' paths.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const BUILD_DIR = path.join(process.cwd(), "public", "build");

/** A literal from each library's own code, kept by minification. */
const SERVER_ONLY_MARKERS: Record<string, string> = {
  zod: "ZodError",
  prisma: "PrismaClientKnownRequestError",
  stripe: "api.stripe.com",
  bull: "Missing process handler for job type",
  ioredis: "ioredis v5 does not support",
  echarts: "__ec_inner_",
};

function browserChunks(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return browserChunks(file);
    return name.endsWith(".js") ? [file] : [];
  });
}

describe("the browser bundle", () => {
  it("holds no server-only library (run `remix build` first)", () => {
    expect(existsSync(BUILD_DIR), `${BUILD_DIR} is missing: run \`npx remix build\``).toBe(true);
    const chunks = browserChunks(BUILD_DIR);
    expect(chunks.length).toBeGreaterThan(10);
    const found = chunks.flatMap((file) => {
      const code = readFileSync(file, "utf8");
      return Object.entries(SERVER_ONLY_MARKERS)
        .filter(([, marker]) => code.includes(marker))
        .map(([library]) => `${library} in ${path.relative(BUILD_DIR, file)}`);
    });
    expect(found).toEqual([]);
  });

  it("would notice one (each marker is in its library's own code)", () => {
    const sources: Record<string, string> = {
      zod: "node_modules/zod/v4/core/errors.js",
      prisma: "node_modules/@prisma/client/runtime/client.js",
      stripe: "node_modules/stripe/cjs/stripe.core.js",
      bull: "node_modules/bull/lib/queue.js",
      ioredis: "node_modules/ioredis/built/index.js",
      echarts: "node_modules/echarts/lib/util/model.js",
    };
    for (const [library, file] of Object.entries(sources)) {
      expect(readFileSync(path.join(process.cwd(), file), "utf8"), library).toContain(SERVER_ONLY_MARKERS[library]);
    }
  });
});
