import { describe, expect, it } from "vitest";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { affiliateLeadId, leadDecided, leadFields, postLead } from "./factories/leads";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { useTestStack } from "./support/app";

const stack = useTestStack();

async function rowCounts() {
  const [leads, events, entries, postings, outbox, sales, deliveries] = await Promise.all([
    prisma.lead.count(),
    prisma.leadEvent.count(),
    prisma.journalEntry.count(),
    prisma.posting.count(),
    prisma.outboxMessage.count(),
    prisma.leadSale.count(),
    prisma.outboundDelivery.count(),
  ]);
  return { leads, events, entries, postings, outbox, sales, deliveries };
}

describe("test-mode postbacks", () => {
  it("answers what would happen to a lead that sells, and stores nothing", async () => {
    const affiliate = await makeAffiliate();
    const advertiser = await makeAdvertiser();
    const offer = await makeOffer(affiliate.actor, { priceCents: 2500 });
    await makeOrder(advertiser.actor, offer.id, { priceCents: 3200 });
    await fundWallet(advertiser.actor, 10_000, stack().emulator);
    const before = await rowCounts();

    const lead_id = affiliateLeadId();
    const answer = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id, test: "true", ...leadFields() });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      test: true,
      lead_id: null,
      affiliate_lead_id: lead_id,
      status: "sold",
      reasons: [],
      buyers: 1,
      // 3200 paid by the buyer, less the platform's 20% fee.
      payout_cents: 2560,
      currency: "usd",
    });
    expect(typeof answer.body.score).toBe("number");
    expect(["cold", "warm", "hot"]).toContain(answer.body.temperature);
    expect(answer.body.checks.map((c: { outcome: string }) => c.outcome)).not.toContain("fail");

    expect(await rowCounts()).toEqual(before);
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(advertiser.actor.companyId, "usd"))).toBe(10_000n);

    // The same lead_id posted for real afterwards is a new lead, not the retry of a test.
    const real = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id, ...leadFields() });
    expect(real.status).toBe(201);
    expect(real.body.duplicate_request).toBe(false);
    await leadDecided(real.body.lead_id);
  });

  it("names every reason a lead would be rejected for, and stores nothing", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { states: ["CA"], qualityRules: { requireConsent: true } });
    const before = await rowCounts();
    const answer = await postLead(
      stack().appUrl,
      affiliate.apiKey,
      { offer_id: offer.id, lead_id: affiliateLeadId(), test: 1, ...leadFields({ email: "lead@yopmail.com", state: "NY", postal_code: "10001" }) },
      { format: "form" },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ test: true, status: "rejected", buyers: 0, payout_cents: 0, score: null });
    expect([...answer.body.reasons].sort()).toEqual(["disposable_email", "missing_consent", "out_of_geo"]);
    const failed = answer.body.checks.filter((c: { outcome: string }) => c.outcome === "fail").map((c: { code: string }) => c.code);
    expect(failed.sort()).toEqual(["consent", "email_disposable", "geo"]);
    expect(await rowCounts()).toEqual(before);
  });

  it("still answers 422 naming bad fields in test mode", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const answer = await postLead(stack().appUrl, affiliate.apiKey, {
      offer_id: offer.id,
      lead_id: affiliateLeadId(),
      test: true,
      ...leadFields({ phone: "12" }),
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.fields).toEqual({ phone: "Not a valid US phone number" });
  });
});
