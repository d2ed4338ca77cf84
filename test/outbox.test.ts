import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { startWorkers } from "../scripts/stack/processes";
import { makeAffiliate } from "./factories/accounts";
import { affiliateLeadId, leadFields, postLead } from "./factories/leads";
import { makeOffer } from "./factories/marketplace";
import { useTestStack } from "./support/app";
import { waitFor } from "./support/wait";

// The web server's Redis is unreachable (nothing listens on port 1); the worker's is real.
const stack = useTestStack({ workers: false, env: { REDIS_URL: "redis://127.0.0.1:1" } });

describe("outbox", () => {
  it("a lead posted while Redis is down is stored, answered, and processed once Redis is back", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const answer = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields() });
    expect(answer.status).toBe(201);
    const leadId: string = answer.body.lead_id;
    const message = await prisma.outboxMessage.findFirstOrThrow({ where: { key: `lead:${leadId}` } });
    expect(message.enqueuedAt).toBeNull();
    expect(message.processedAt).toBeNull();

    const workers = await startWorkers({
      env: { ...stack().env, REDIS_URL: process.env.REDIS_URL!, OUTBOX_SWEEP_MS: "200" },
      output: { file: stack().logFile },
    });
    try {
      const lead = await waitFor("the sweeper to re-enqueue the lead and the worker to process it", async () => {
        const row = await prisma.lead.findUniqueOrThrow({ where: { id: leadId } });
        return row.status === "UNSOLD" ? row : undefined;
      });
      expect(lead.reasons).toEqual(["no_matching_order"]);
      const processed = await prisma.outboxMessage.findFirstOrThrow({ where: { key: `lead:${leadId}` } });
      expect(processed.processedAt).not.toBeNull();
    } finally {
      await workers.stop();
    }
  });
});
