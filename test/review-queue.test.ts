import { describe, expect, it } from "vitest";
import { balanceCents, findUnbalancedEntries, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { affiliateLeadId, leadFields, postLead } from "./factories/leads";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { getPage, signIn, submitForm, useTestStack } from "./support/app";
import { waitFor } from "./support/wait";

const stack = useTestStack();

const page = (path: string, cookie?: string) => getPage(stack().appUrl, path, cookie);
const submit = (path: string, fields: Record<string, string>, cookie?: string) => submitForm(stack().appUrl, path, fields, cookie);

/** An offer that holds every lead for review (nothing scores 100 without intent data), an open funded order, and an admin. */
async function heldLeadsSetup(count: number) {
  const affiliate = await makeAffiliate();
  const buyer = await makeAdvertiser();
  const offer = await makeOffer(affiliate.actor, { qualityRules: { acceptScore: 100 } });
  const order = await makeOrder(buyer.actor, offer.id, { priceCents: 3000 });
  await fundWallet(buyer.actor, 10_000, stack().emulator);
  const admin = await makeAdmin();
  const adminCookie = await signIn(stack().appUrl, admin.email, admin.password);
  const leads = [];
  for (let i = 0; i < count; i++) {
    const externalId = affiliateLeadId();
    const posted = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: externalId, ...leadFields() });
    expect(posted.status).toBe(201);
    const lead = await waitFor(`lead ${externalId} to be held`, async () => {
      const row = await prisma.lead.findUniqueOrThrow({ where: { id: posted.body.lead_id } });
      return row.status === "HELD" ? row : undefined;
    });
    leads.push(lead);
  }
  return { affiliate, buyer, offer, order, admin, adminCookie, leads };
}

describe("admin review queue", () => {
  it("a lead scoring below the offer's accept score is held and shows in the queue, oldest first, with its score", async () => {
    const { adminCookie, leads, offer, affiliate } = await heldLeadsSetup(2);
    const [older, newer] = leads;
    expect(older.reasons).toEqual(["score_review"]);
    expect(older.qualityScore).toBeLessThan(100);

    const queue = await page("/admin/review", adminCookie);
    expect(queue.status).toBe(200);
    expect(queue.text).toContain(offer.title);
    expect(queue.text).toContain(affiliate.companyName);
    expect(queue.text).toContain(`${older.qualityScore}/100`);
    expect(queue.text.indexOf(older.externalId)).toBeGreaterThan(-1);
    expect(queue.text.indexOf(older.externalId)).toBeLessThan(queue.text.indexOf(newer.externalId));

    const detail = await page(`/admin/leads/${older.id}`, adminCookie);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain("Held for review: the offer accepts a score of 100 or more");
    expect(detail.text).toContain("Email address given email +15");
    expect(detail.text).toContain("Approve");
    expect(detail.text).toContain("Reject");
  });

  it("approving a held lead needs a reason, then sells it to the open funded order with a balanced sale, and audits the decision", async () => {
    const { adminCookie, admin, leads, buyer, order } = await heldLeadsSetup(1);
    const [lead] = leads;

    const noReason = await submit(`/admin/leads/${lead.id}`, { decision: "approve", reason: "  " }, adminCookie);
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("Give a reason to approve this lead");
    expect((await prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe("HELD");
    expect(await prisma.auditLog.count({ where: { targetId: lead.id } })).toBe(0);

    const approved = await submit(`/admin/leads/${lead.id}`, { decision: "approve", reason: "Called and confirmed" }, adminCookie);
    expect(approved.status).toBe(302);
    expect(approved.location).toBe(`/admin/review?decided=${lead.id}&outcome=sold`);

    const after = await prisma.lead.findUniqueOrThrow({ where: { id: lead.id }, include: { sales: true, events: { orderBy: { seq: "asc" } } } });
    expect(after.status).toBe("SOLD");
    expect(after.sales.map((s) => [s.orderId, s.priceCents])).toEqual([[order.id, 3000]]);
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(buyer.actor.companyId, "usd"))).toBe(7_000n);
    expect(await findUnbalancedEntries(prisma)).toEqual([]);
    const steps = after.events.map((e) => e.type).filter((t) => ["held", "reviewed", "accepted", "sold"].includes(t));
    expect(steps).toEqual(["held", "reviewed", "accepted", "sold"]);
    expect(after.events.find((e) => e.type === "reviewed")?.message).toBe(`Approved by Leadex admin (${admin.email}): Called and confirmed`);

    const audit = await prisma.auditLog.findMany({ where: { targetType: "Lead", targetId: lead.id } });
    expect(audit.map((a) => ({ actorId: a.actorId, action: a.action, data: a.data }))).toEqual([
      { actorId: admin.actor.userId, action: "lead.review.approved", data: { reason: "Called and confirmed" } },
    ]);

    const queue = await page(`/admin/review?decided=${lead.id}&outcome=sold`, adminCookie);
    expect(queue.text).toContain("approved and sold");
    expect(queue.text).not.toContain(lead.externalId);
  });

  it("rejecting needs a reason; a rejected lead stops with admin_rejected, visible to the affiliate by API", async () => {
    const { adminCookie, admin, leads, affiliate, buyer } = await heldLeadsSetup(1);
    const [lead] = leads;

    const noReason = await submit(`/admin/leads/${lead.id}`, { decision: "reject", reason: "  " }, adminCookie);
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("Give a reason to reject this lead");
    expect((await prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe("HELD");

    const noDecision = await submit(`/admin/leads/${lead.id}`, { reason: "why not" }, adminCookie);
    expect(noDecision.status).toBe(400);
    expect(noDecision.text).toContain("Choose approve or reject");

    const rejected = await submit(`/admin/leads/${lead.id}`, { decision: "reject", reason: "Name and phone do not match" }, adminCookie);
    expect(rejected.status).toBe(302);
    expect(rejected.location).toBe(`/admin/review?decided=${lead.id}&outcome=rejected`);

    const after = await prisma.lead.findUniqueOrThrow({ where: { id: lead.id }, include: { sales: true, events: { orderBy: { seq: "asc" } } } });
    expect(after.status).toBe("REJECTED");
    expect(after.reasons).toEqual(["admin_rejected"]);
    expect(after.sales).toEqual([]);
    expect(after.events.slice(-2).map((e) => [e.type, e.message])).toEqual([
      ["reviewed", `Rejected by Leadex admin (${admin.email}): Name and phone do not match`],
      ["rejected", "Rejected in review: Name and phone do not match"],
    ]);
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(buyer.actor.companyId, "usd"))).toBe(10_000n);

    const api = await fetch(new URL(`/api/v1/leads/${lead.id}`, stack().appUrl), { headers: { authorization: `Bearer ${affiliate.apiKey}` } });
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({ lead_id: lead.id, status: "rejected", reasons: ["admin_rejected"] });

    const audit = await prisma.auditLog.findMany({ where: { targetId: lead.id } });
    expect(audit.map((a) => [a.action, a.data])).toEqual([["lead.review.rejected", { reason: "Name and phone do not match" }]]);
  });

  it("two admins deciding the same lead at once: one decision wins, the other gets a 409 and changes nothing", async () => {
    const { adminCookie, leads } = await heldLeadsSetup(1);
    const [lead] = leads;
    const second = await makeAdmin();
    const secondCookie = await signIn(stack().appUrl, second.email, second.password);

    const answers = await Promise.all([
      submit(`/admin/leads/${lead.id}`, { decision: "approve", reason: "Looks real" }, adminCookie),
      submit(`/admin/leads/${lead.id}`, { decision: "reject", reason: "Looks fake" }, secondCookie),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([302, 409]);
    expect(answers.find((a) => a.status === 409)?.text).toContain("This lead is no longer held for review");

    const again = await submit(`/admin/leads/${lead.id}`, { decision: "approve", reason: "Looks real" }, adminCookie);
    expect(again.status).toBe(409);

    expect(await prisma.auditLog.count({ where: { targetId: lead.id } })).toBe(1);
    expect(await prisma.leadEvent.count({ where: { leadId: lead.id, type: "reviewed" } })).toBe(1);
    expect(await prisma.leadSale.count({ where: { leadId: lead.id } })).toBeLessThanOrEqual(1);
  });

  it("only admins see the queue or decide: others are forbidden, strangers are sent to log in", async () => {
    const { leads, affiliate, buyer } = await heldLeadsSetup(1);
    const [lead] = leads;
    for (const account of [affiliate, buyer]) {
      const cookie = await signIn(stack().appUrl, account.email, account.password);
      expect((await page("/admin/review", cookie)).status).toBe(403);
      expect((await submit(`/admin/leads/${lead.id}`, { decision: "approve", reason: "Looks real" }, cookie)).status).toBe(403);
    }
    const anonymous = await page("/admin/review");
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toBe("/login?redirectTo=%2Fadmin%2Freview");
    expect((await submit(`/admin/leads/${lead.id}`, { decision: "approve", reason: "Looks real" })).status).toBe(302);

    expect((await prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe("HELD");
    expect(await prisma.auditLog.count({ where: { targetId: lead.id } })).toBe(0);
  });
});

describe("quality shown to buyers and affiliates", () => {
  it("a buyer sees each bought lead's score and temperature and filters by temperature and minimum score; the affiliate sees the score", async () => {
    const affiliate = await makeAffiliate();
    const buyer = await makeAdvertiser();
    const offer = await makeOffer(affiliate.actor, { exclusivity: "SHARED", maxBuyers: 2 });
    await makeOrder(buyer.actor, offer.id, { priceCents: 3000 });
    await fundWallet(buyer.actor, 10_000, stack().emulator);
    const hotFields = leadFields({ timeline: "immediately", decision_maker: "yes" });
    const coldFields = leadFields();
    const sold = [];
    for (const fields of [hotFields, coldFields]) {
      const posted = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...fields });
      sold.push(
        await waitFor("the lead to be sold", async () => {
          const lead = await prisma.lead.findUniqueOrThrow({ where: { id: posted.body.lead_id } });
          return lead.status === "SOLD" ? lead : undefined;
        }),
      );
    }
    const [hot, cold] = sold;
    expect([hot.temperature, cold.temperature]).toEqual(["HOT", "COLD"]);
    expect(hot.qualityScore!).toBeGreaterThan(cold.qualityScore!);

    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const all = await page("/advertiser/leads", cookie);
    expect(all.text).toContain(`${hot.qualityScore}/100 hot`);
    expect(all.text).toContain(`${cold.qualityScore}/100 cold`);

    const onlyHot = await page("/advertiser/leads?temperature=HOT", cookie);
    expect(onlyHot.text).toContain(hotFields.email);
    expect(onlyHot.text).not.toContain(coldFields.email);

    const aboveCold = await page(`/advertiser/leads?minScore=${cold.qualityScore! + 1}`, cookie);
    expect(aboveCold.text).toContain(hotFields.email);
    expect(aboveCold.text).not.toContain(coldFields.email);

    const none = await page("/advertiser/leads?temperature=WARM", cookie);
    expect(none.text).toContain("No bought leads match these filters");

    const nonsense = await page("/advertiser/leads?temperature=LUKEWARM&minScore=lots", cookie);
    expect(nonsense.status).toBe(200);
    expect(nonsense.text).toContain(hotFields.email);
    expect(nonsense.text).toContain(coldFields.email);

    const detail = await page(`/advertiser/leads/${hot.id}`, cookie);
    expect(detail.text).toContain(`Quality ${hot.qualityScore}/100 hot`);

    const affiliateCookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const affiliateLeads = await page("/affiliate/leads", affiliateCookie);
    expect(affiliateLeads.text).toContain(`${hot.externalId} ${offer.title} ${hot.qualityScore}/100 hot`);
  });
});
