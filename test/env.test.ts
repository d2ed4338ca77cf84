import { describe, expect, it } from "vitest";
import { envSchema } from "~/utils/env.server";
import { freePort } from "../scripts/stack/ports";
import { startWeb, startWorkers } from "../scripts/stack/processes";

describe("environment validated at start-up", () => {
  it("names every bad variable", () => {
    const result = envSchema.safeParse({
      DATABASE_URL: "not a url",
      SESSION_SECRET: "short",
      STRIPE_SECRET_KEY: "pk_live_x",
      STRIPE_WEBHOOK_SECRET: "x",
      BID_TOKEN_SECRET: "short",
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths.sort()).toEqual(["BID_TOKEN_SECRET", "DATABASE_URL", "SESSION_SECRET", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]);
  });

  it("the web server refuses to start with a weak SESSION_SECRET, saying why", async () => {
    const lines: string[] = [];
    await expect(startWeb({ env: { SESSION_SECRET: "short" }, port: await freePort(), output: (line) => lines.push(line), timeoutMs: 15_000 })).rejects.toThrow(
      /exited during start-up/,
    );
    expect(lines.join("\n")).toContain("SESSION_SECRET: SESSION_SECRET must be at least 16 characters");
  });

  it("the workers refuse to start without a Stripe key, saying why", async () => {
    const lines: string[] = [];
    const workers = await startWorkers({ env: { STRIPE_SECRET_KEY: "" }, output: (line) => lines.push(line) });
    const exit = await workers.exited;
    expect(exit.code).not.toBe(0);
    expect(lines.join("\n")).toContain("STRIPE_SECRET_KEY");
  });
});
