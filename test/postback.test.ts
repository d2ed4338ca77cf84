import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { balanceCents, findUnbalancedEntries, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { LEAD_CHECKS } from "~/modules/quality/checks/index.server";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { affiliateLeadId, leadFields, postLead } from "./factories/leads";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { useTestStack } from "./support/app";
import { waitFor } from "./support/wait";

const stack = useTestStack();

async function leadSettled(leadId: string) {
  return waitFor(`lead ${leadId} to be processed`, async () => {
    const lead = await prisma.lead.findUnique({ where: { id: leadId } });
    return lead && lead.status !== "RECEIVED" && lead.status !== "ACCEPTED" ? lead : undefined;
  });
}

describe("lead postback", () => {
  it("a lead posted through the HTTP endpoint ends up sold with a balanced ledger entry", async () => {
    const affiliate = await makeAffiliate();
    const advertiser = await makeAdvertiser();
    const offer = await makeOffer(affiliate.actor, { priceCents: 2500 });
    const order = await makeOrder(advertiser.actor, offer.id, { priceCents: 3200 });
    await fundWallet(advertiser.actor, 10_000, stack().emulator);

    const answer = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), s1: "google", ...leadFields() });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: "received", reasons: [], duplicate_request: false });

    const lead = await leadSettled(answer.body.lead_id);
    expect(lead.status).toBe("SOLD");
    expect(lead.phone).toMatch(/^\+1415555\d{4}$/);

    const sale = await prisma.leadSale.findFirstOrThrow({
      where: { leadId: lead.id },
      include: { journalEntry: { include: { postings: { include: { account: true } } } } },
    });
    expect(sale.orderId).toBe(order.id);
    expect(sale.priceCents).toBe(3200);
    const postings = Object.fromEntries(sale.journalEntry!.postings.map((p) => [p.account.code, p.amountCents]));
    expect(postings).toEqual({
      [ledgerAccounts.advertiserWallet(advertiser.actor.companyId, "usd").code]: 3200n,
      [ledgerAccounts.affiliateHeld(affiliate.actor.companyId, "usd").code]: -2560n,
      [ledgerAccounts.platformFees("usd").code]: -640n,
    });
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(advertiser.actor.companyId, "usd"))).toBe(6800n);
    expect(await balanceCents(prisma, ledgerAccounts.affiliateHeld(affiliate.actor.companyId, "usd"))).toBe(2560n);
    expect(await findUnbalancedEntries(prisma)).toEqual([]);

    const timeline = await prisma.leadEvent.findMany({ where: { leadId: lead.id }, orderBy: { seq: "asc" } });
    // Every check writes one "check" event, in the registry's order, before the verdict.
    const steps = timeline.map((e) => e.type).filter((type) => type !== "check");
    expect(steps).toEqual(["received", "verified", "scored", "accepted", "sold", "routing"]);
    const checks = timeline.filter((e) => e.type === "check");
    expect(checks.length).toBe(LEAD_CHECKS.length);
    expect(checks.every((e) => (e.data as { outcome: string }).outcome !== "fail")).toBe(true);
  });

  it("a retried postback creates one lead", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const body = { offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields() };
    const answers = await Promise.all([1, 2, 3].map(() => postLead(stack().appUrl, affiliate.apiKey, body)));
    const again = await postLead(stack().appUrl, affiliate.apiKey, body);
    const all = [...answers, again];
    expect(all.filter((a) => a.status === 201)).toHaveLength(1);
    expect(all.filter((a) => a.status === 200)).toHaveLength(3);
    expect(new Set(all.map((a) => a.body.lead_id)).size).toBe(1);
    expect(again.body.duplicate_request).toBe(true);
    expect(await prisma.lead.count({ where: { affiliateId: affiliate.actor.companyId } })).toBe(1);
    expect(await prisma.outboxMessage.count({ where: { key: `lead:${again.body.lead_id}` } })).toBe(1);
  });

  it("accepts form-encoded and GET postbacks", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const form = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields() }, { format: "form" });
    const get = await postLead(
      stack().appUrl,
      affiliate.apiKey,
      { offer_id: offer.id, lead_id: affiliateLeadId(), s2: "banner", ...leadFields() },
      { format: "get" },
    );
    expect(form.status).toBe(201);
    expect(get.status).toBe(201);
    const stored = await prisma.lead.findUniqueOrThrow({ where: { id: get.body.lead_id } });
    expect(stored.subIds).toEqual({ s2: "banner" });
    // The API key in the query string is never stored as a lead field, nor written to the logs.
    expect(Object.keys(stored.rawFields as object)).not.toContain("api_key");
    const logged = await waitFor("the GET postback in the request log", async () => {
      const log = await readFile(stack().logFile, "utf8");
      return log.includes("GET /api/v1/leads?") ? log : undefined;
    });
    expect(logged).toContain("GET /api/v1/leads?…");
    expect(logged).not.toContain(affiliate.apiKey);
    expect(logged).not.toContain(encodeURIComponent((stored.rawFields as Record<string, string>).email));
  });

  describe("bad input gets a clear 4xx naming what is wrong", () => {
    it("refuses a missing or wrong API key with 401", async () => {
      const noKey = await fetch(new URL("/api/v1/leads", stack().appUrl), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(noKey.status).toBe(401);
      expect((await noKey.json()).error.code).toBe("unauthorized");
      const wrong = await postLead(stack().appUrl, "lx_abcdefghij_wrongwrongwrongwrongwrongwrongwrong", { offer_id: "x", lead_id: "y" });
      expect(wrong.status).toBe(401);
    });

    it("answers 404 naming an unknown offer", async () => {
      const affiliate = await makeAffiliate();
      const answer = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: "no-such-offer", lead_id: affiliateLeadId(), ...leadFields() });
      expect(answer.status).toBe(404);
      expect(answer.body.error.message).toContain("no-such-offer");
    });

    it("answers 403 when an affiliate posts to another affiliate's offer, and stores nothing", async () => {
      const owner = await makeAffiliate();
      const other = await makeAffiliate();
      const offer = await makeOffer(owner.actor);
      const answer = await postLead(stack().appUrl, other.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields() });
      expect(answer.status).toBe(403);
      expect(await prisma.lead.count({ where: { offerId: offer.id } })).toBe(0);
    });

    it("answers 403 when an advertiser key posts a lead", async () => {
      const affiliate = await makeAffiliate();
      const advertiser = await makeAdvertiser();
      const offer = await makeOffer(affiliate.actor);
      const answer = await postLead(stack().appUrl, advertiser.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields() });
      expect(answer.status).toBe(403);
    });

    it("answers 422 naming every invalid field, and stores nothing", async () => {
      const affiliate = await makeAffiliate();
      const offer = await makeOffer(affiliate.actor);
      const answer = await postLead(stack().appUrl, affiliate.apiKey, {
        offer_id: offer.id,
        lead_id: affiliateLeadId(),
        ...leadFields({ email: "not-an-email", phone: "12", first_name: "" }),
      });
      expect(answer.status).toBe(422);
      expect(answer.body.error.fields).toEqual({
        email: "Not a valid email address",
        phone: "Not a valid US phone number",
        first_name: "Required by this offer",
      });
      expect(await prisma.lead.count({ where: { offerId: offer.id } })).toBe(0);
    });

    it("answers 422 naming a missing lead_id and offer_id", async () => {
      const affiliate = await makeAffiliate();
      const answer = await postLead(stack().appUrl, affiliate.apiKey, leadFields());
      expect(answer.status).toBe(422);
      expect(Object.keys(answer.body.error.fields).sort()).toEqual(["lead_id", "offer_id"]);
    });

    it("answers 413 for a body larger than one lead, and 422 for too many fields", async () => {
      const affiliate = await makeAffiliate();
      const offer = await makeOffer(affiliate.actor);
      const huge = await postLead(stack().appUrl, affiliate.apiKey, {
        offer_id: offer.id,
        lead_id: affiliateLeadId(),
        ...leadFields(),
        notes: "x".repeat(70_000),
      });
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe("payload_too_large");
      const many = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`extra_${i}`, "1"]));
      const wide = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields(), ...many });
      expect(wide.status).toBe(422);
      expect(wide.body.error.fields).toEqual({ fields: "A lead carries at most 100 fields" });
      expect(await prisma.lead.count({ where: { offerId: offer.id } })).toBe(0);
    });

    it("answers 400 for a body that is not JSON", async () => {
      const affiliate = await makeAffiliate();
      const response = await fetch(new URL("/api/v1/leads", stack().appUrl), {
        method: "POST",
        headers: { authorization: `Bearer ${affiliate.apiKey}`, "content-type": "application/json" },
        body: "{not json",
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe("malformed_body");
    });
  });

  it("rejects the same person on the same offer as a duplicate, with a reason", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const person = leadFields();
    const first = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...person });
    const firstLead = await leadSettled(first.body.lead_id);
    expect(firstLead.status).toBe("UNSOLD");
    const samePhoneOtherEmail = { ...person, email: `other.${Date.now()}@example.com`, first_name: "Someone" };
    const second = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...samePhoneOtherEmail });
    expect(second.status).toBe(201);
    const secondLead = await leadSettled(second.body.lead_id);
    expect(secondLead.status).toBe("REJECTED");
    expect(secondLead.reasons).toEqual(["duplicate_lead"]);

    // The affiliate sees the reason when it asks again.
    const asked = await fetch(new URL(`/api/v1/leads/${secondLead.id}`, stack().appUrl), { headers: { authorization: `Bearer ${affiliate.apiKey}` } });
    expect(await asked.json()).toMatchObject({ status: "rejected", reasons: ["duplicate_lead"] });
    const event = await prisma.leadEvent.findFirstOrThrow({ where: { leadId: secondLead.id, type: "rejected" } });
    expect(event.message).toContain(firstLead.id);
  });
});
