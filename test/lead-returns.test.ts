import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decideDispute, respondToDispute, runDisputeDeadlines, withdrawDispute } from "~/modules/disputes/dispute-decisions.server";
import { DisputeRefusedError } from "~/modules/disputes/dispute-errors";
import { openReturn } from "~/modules/disputes/lead-returns.server";
import { releaseDueEarnings } from "~/modules/earnings/earnings.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser } from "./factories/accounts";
import { getPage, signIn, submitForm, useTestStack } from "./support/app";
import { available, fees, held, marketWithSoldLeads, wallet } from "./support/disputes";
import { expectLedgerInvariants } from "./support/ledger-invariants";

const stack = useTestStack();
const DAY = 86_400_000;

const soldLeads = (count: number) => marketWithSoldLeads(stack(), count);

async function refusal(promise: Promise<unknown>): Promise<DisputeRefusedError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DisputeRefusedError);
  return error as DisputeRefusedError;
}

describe("lead returns", () => {
  it("a phone that fails validation now is approved at once, with the proof on the timeline and the sale reversed", async () => {
    const { leads, buyer, advertiserId, affiliateId } = await soldLeads(1);
    await prisma.lead.update({ where: { id: leads[0].id }, data: { phone: "+1555" } });
    const [walletBefore, feesBefore] = [await wallet(advertiserId), await fees()];
    expect(await held(affiliateId)).toBe(2_560n);

    const { dispute, outcome } = await openReturn(buyer.actor, { lead_id: leads[0].id, reason: "invalid_phone", note: "Number does not ring" });
    expect(outcome).toBe("approved");
    expect(dispute).toMatchObject({ status: "APPROVED", resolvedBy: "EVIDENCE" });
    expect(await wallet(advertiserId)).toBe(walletBefore + 3_200n);
    expect(await held(affiliateId)).toBe(0n);
    expect(await fees()).toBe(feesBefore - 640n);
    const lead = await prisma.lead.findUniqueOrThrow({ where: { id: leads[0].id }, include: { events: { orderBy: { seq: "asc" } } } });
    expect(lead.status).toBe("RETURNED");
    expect(lead.events.filter((e) => e.type === "dispute").map((e) => e.message)).toEqual([
      'Return asked: Invalid or disconnected phone ("Number does not ring")',
      expect.stringContaining("Approved by the platform's evidence: The phone +1555 fails validation now"),
    ]);
    // Never sold to this buyer again: the person is on its suppression list.
    expect(await prisma.suppressionEntry.count({ where: { advertiserId, hash: { in: [lead.phoneHash!, lead.emailHash!] } } })).toBe(2);
    expect(await prisma.auditLog.count({ where: { targetType: "Dispute", targetId: dispute.id } })).toBe(2);
    expect(await prisma.userNotice.count({ where: { kind: "DISPUTE", user: { companyId: { in: [advertiserId, affiliateId] } } } })).toBe(2);
    expect(await prisma.emailOutbox.count({ where: { body: { contains: dispute.id } } })).toBe(2);
    expect((await prisma.company.findUniqueOrThrow({ where: { id: advertiserId } })).returnRateBps).toBe(10_000);
    await expectLedgerInvariants();
  });

  it("evidence that contradicts the claim goes to the seller; a contest goes to an admin, who may approve at the platform's cost", async () => {
    const { leads, buyer, affiliate, advertiserId, affiliateId } = await soldLeads(1);
    const walletBefore = await wallet(advertiserId);
    const { dispute, outcome } = await openReturn(buyer.actor, { lead_id: leads[0].id, reason: "duplicate", evidence_text: "We had this person last month" });
    expect(outcome).toBe("awaiting_response");
    expect(dispute.finding).toMatchObject({
      verdict: "contradicted",
      summary: expect.stringContaining("No other lead with this phone or email was sold to you"),
    });
    expect(dispute.responseDueAt!.getTime() - dispute.createdAt.getTime()).toBeGreaterThan(71 * 3_600_000);
    expect(await wallet(advertiserId)).toBe(walletBefore);
    // The seller is told in its portal, with a link to the return; "Dismiss all" clears the banner.
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const home = await getPage(stack().appUrl, "/affiliate", cookie);
    expect(home.text).toContain(
      `A buyer asked to return your lead ${leads[0].externalId}: Duplicate. What the platform found: No other lead with this phone or email`,
    );
    const html = await (await fetch(new URL("/affiliate", stack().appUrl), { headers: { cookie } })).text();
    expect(html).toContain(`href="/affiliate/disputes/${dispute.id}"`);
    expect((await submitForm(stack().appUrl, "/notices/dismiss-all", { redirectTo: "/affiliate" }, cookie)).status).toBe(302);
    expect((await getPage(stack().appUrl, "/affiliate", cookie)).text).not.toContain("A buyer asked to return your lead");

    // The buyer cannot answer its own return; the seller must say why it contests.
    await expect(respondToDispute(buyer.actor, dispute.id, { response: "accept" })).rejects.toMatchObject({ status: 403 });
    await expect(respondToDispute(affiliate.actor, dispute.id, { response: "contest" })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { note: expect.any(String) },
    });
    const contested = await respondToDispute(affiliate.actor, dispute.id, {
      response: "contest",
      note: "Unique lead, consent on file",
      evidence_url: "https://example.com/cert/1",
    });
    expect(contested.status).toBe("IN_REVIEW");
    // Answering twice changes nothing.
    expect((await refusal(respondToDispute(affiliate.actor, dispute.id, { response: "accept" }))).code).toBe("dispute_not_open");
    // Neither party decides it.
    await expect(decideDispute(affiliate.actor, dispute.id, { decision: "deny", reason: "mine" })).rejects.toMatchObject({ status: 403 });

    const admin = await makeAdmin();
    await expect(decideDispute(admin.actor, dispute.id, { decision: "approve" })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { reason: expect.any(String) },
    });
    const decided = await decideDispute(admin.actor, dispute.id, {
      decision: "approve_at_platform_cost",
      reason: "Goodwill: the buyer's CRM merged two records",
    });
    expect(decided).toMatchObject({ status: "APPROVED", resolvedBy: "ADMIN", atPlatformCost: true, decidedById: admin.actor.userId });
    expect(await wallet(advertiserId)).toBe(walletBefore + 3_200n);
    expect(await held(affiliateId)).toBe(2_560n);
    expect(await balanceCents(prisma, ledgerAccounts.platformReturnCosts("usd"))).toBeGreaterThanOrEqual(2_560n);
    // A decided dispute stays decided.
    expect((await refusal(decideDispute(admin.actor, dispute.id, { decision: "deny", reason: "changed my mind" }))).code).toBe("dispute_not_open");
    expect(await prisma.disputeEvidence.count({ where: { disputeId: dispute.id } })).toBe(2);
    await expectLedgerInvariants();
  });

  it("the seller accepts; no answer by the deadline accepts; an admin's denial moves no money", async () => {
    const { leads, buyer, affiliate, advertiserId, affiliateId } = await soldLeads(3);
    const walletBefore = await wallet(advertiserId);
    await prisma.order.updateMany({ where: { advertiserId }, data: { returnCapBps: 10_000 } });

    const accepted = await openReturn(buyer.actor, { lead_id: leads[0].id, reason: "wrong_person" });
    expect(accepted.outcome).toBe("awaiting_response");
    expect((await respondToDispute(affiliate.actor, accepted.dispute.id, { response: "accept" })).status).toBe("APPROVED");

    const unanswered = await openReturn(buyer.actor, { lead_id: leads[1].id, reason: "did_not_request" });
    const dueAt = unanswered.dispute.responseDueAt!;
    expect(await runDisputeDeadlines(new Date(dueAt.getTime() - 1000))).toEqual({ approved: 0, escalated: 0 });
    // Two workers at the deadline: approved once.
    const runs = await Promise.all([runDisputeDeadlines(new Date(dueAt.getTime() + 1000)), runDisputeDeadlines(new Date(dueAt.getTime() + 1000))]);
    expect(runs.reduce((n, r) => n + r.approved, 0)).toBe(1);
    expect(await prisma.dispute.findUniqueOrThrow({ where: { id: unanswered.dispute.id } })).toMatchObject({ status: "APPROVED", resolvedBy: "DEADLINE" });

    const denied = await openReturn(buyer.actor, { lead_id: leads[2].id, reason: "fake_or_fraud" });
    await respondToDispute(affiliate.actor, denied.dispute.id, { response: "contest", note: "Real person, called back twice" });
    const admin = await makeAdmin();
    expect((await decideDispute(admin.actor, denied.dispute.id, { decision: "deny", reason: "The call log shows a two-minute conversation" })).status).toBe(
      "DENIED",
    );

    expect(await wallet(advertiserId)).toBe(walletBefore + 6_400n);
    expect(await held(affiliateId)).toBe(2_560n);
    expect(
      await prisma.auditLog.count({ where: { targetType: "Dispute", targetId: denied.dispute.id, action: "dispute.denied", actorId: admin.actor.userId } }),
    ).toBe(1);
    await expectLedgerInvariants();
  });

  it("a return after the earning was released is clawed back from the seller's available money", async () => {
    const { leads, buyer, advertiserId, affiliateId } = await soldLeads(1);
    const sale = await prisma.leadSale.findFirstOrThrow({ where: { leadId: leads[0].id } });
    // Released early (a shorter hold than the window, as an admin may set): the buyer may still return.
    await prisma.earning.updateMany({ where: { saleId: sale.id }, data: { availableAt: new Date(Date.now() - 1000) } });
    await releaseDueEarnings(`run-${randomUUID()}`);
    expect(await available(affiliateId)).toBe(2_560n);
    const walletBefore = await wallet(advertiserId);
    await prisma.lead.update({ where: { id: leads[0].id }, data: { phone: null } });
    const { outcome } = await openReturn(buyer.actor, { lead_id: leads[0].id, reason: "invalid_phone" });
    expect(outcome).toBe("approved");
    expect(await available(affiliateId)).toBe(0n);
    expect(await wallet(advertiserId)).toBe(walletBefore + 3_200n);
    expect(await prisma.earning.count({ where: { affiliateId, kind: "CLAWBACK", amountCents: -2_560 } })).toBe(1);
    await expectLedgerInvariants();
  });

  it("twenty concurrent requests for one lead create one return; the rest are told it exists", async () => {
    const { leads, buyer } = await soldLeads(1);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => openReturn(buyer.actor, { lead_id: leads[0].id, reason: "wrong_person" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as DisputeRefusedError);
    expect(refused).toHaveLength(19);
    for (const error of refused) expect(error).toMatchObject({ code: "return_exists", status: 409 });
    expect(await prisma.dispute.count({ where: { leadId: leads[0].id } })).toBe(1);
  });

  it("refuses what is not a return: outside the window (naming the deadline), past the cap, another buyer's lead, a reason that is not one", async () => {
    const { leads, buyer, order } = await soldLeads(2);
    const admin = await makeAdmin();
    // Did not convert: refused with the explanation.
    const notReturnable = await refusal(openReturn(buyer.actor, { lead_id: leads[0].id, reason: "did_not_convert" }));
    expect(notReturnable).toMatchObject({ code: "reason_not_returnable", status: 422 });
    expect(notReturnable.message).toContain("not a bad lead");
    await expect(openReturn(buyer.actor, { lead_id: leads[0].id, reason: "too_expensive" })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { reason: expect.stringContaining("invalid_phone") },
    });

    // Another advertiser cannot return it (nor learn it exists); an affiliate cannot return at all.
    const other = await makeAdvertiser();
    expect(await refusal(openReturn(other.actor, { lead_id: leads[0].id, reason: "wrong_person" }))).toMatchObject({ code: "unknown_lead", status: 404 });

    // Window: bought 8 days ago on a 7-day window.
    const soldAt = new Date(Date.now() - 8 * DAY);
    await prisma.leadSale.updateMany({ where: { leadId: leads[0].id }, data: { soldAt } });
    const late = await refusal(openReturn(buyer.actor, { lead_id: leads[0].id, reason: "wrong_person" }));
    expect(late.code).toBe("return_window_closed");
    expect(late.message).toContain(new Date(soldAt.getTime() + 7 * DAY).toISOString());
    const overridden = await openReturn(
      admin.actor,
      { lead_id: leads[0].id, reason: "wrong_person" },
      { overrides: { window: "Buyer's CRM was down all week" } },
    );
    expect(overridden.dispute.overrides).toEqual({ window: "Buyer's CRM was down all week" });
    expect(
      await prisma.auditLog.findFirst({ where: { targetId: overridden.dispute.id, action: "dispute.opened", actorId: admin.actor.userId } }),
    ).not.toBeNull();

    // Cap: 2 bought in 30 days and 1 returned (the admin's); 15% allows one, so the next is refused with the figures.
    const capped = await refusal(openReturn(buyer.actor, { lead_id: leads[1].id, reason: "wrong_person" }));
    expect(capped.code).toBe("return_cap_reached");
    expect(capped.message).toContain("This order has 1 return of the 2 leads it bought in the last 30 days (50.0%); its cap is 15% (1 return)");
    const past = await openReturn(admin.actor, { lead_id: leads[1].id, reason: "wrong_person" }, { overrides: { cap: "Known bad traffic day" } });
    expect(past.dispute.orderId).toBe(order.id);
    expect(past.dispute.openedByRole).toBe("ADMIN");
  });

  it("the opener may withdraw while it is open; nothing moves", async () => {
    const { leads, buyer, affiliate, advertiserId } = await soldLeads(1);
    const walletBefore = await wallet(advertiserId);
    const { dispute } = await openReturn(buyer.actor, { lead_id: leads[0].id, reason: "under_age" });
    await expect(withdrawDispute(affiliate.actor, dispute.id)).rejects.toMatchObject({ status: 403 });
    expect((await withdrawDispute(buyer.actor, dispute.id)).status).toBe("WITHDRAWN");
    expect(await wallet(advertiserId)).toBe(walletBefore);
    await expectLedgerInvariants();
  });
});
