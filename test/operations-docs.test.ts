import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { STRIPE_EVENT_HANDLERS } from "~/modules/billing/stripe-webhooks.server";

// Going live means subscribing the webhook endpoint to every event Leadex acts on: the operators'
// list must name each handled event, and nothing Leadex ignores.
describe("docs/operations.md: Stripe webhook events to subscribe", () => {
  const section = readFileSync("docs/operations.md", "utf8").split("## Going live with real Stripe: the webhook endpoint")[1]?.split("\n## ")[0] ?? "";

  it("lists exactly the events the webhook handles", () => {
    const table = section.split("\n").filter((line) => line.startsWith("| `"));
    const listed = table.flatMap((line) => [...line.split("|")[1].matchAll(/`([a-z_.]+)`/g)].map((m) => m[1]));
    expect(new Set(listed)).toEqual(new Set(Object.keys(STRIPE_EVENT_HANDLERS)));
    expect(listed).toHaveLength(new Set(listed).size);
  });
});
