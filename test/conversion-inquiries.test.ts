import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { lockDueConversions } from "~/modules/conversions/conversion-billing.server";
import { decideConversion } from "~/modules/conversions/conversion-decisions.server";
import { openConversionDispute } from "~/modules/disputes/conversion-disputes.server";
import { openInquiry } from "~/modules/disputes/conversion-inquiries.server";
import { openInquiriesFromCsv } from "~/modules/disputes/conversion-inquiry-csv.server";
import { decideDispute, respondToDispute, runDisputeDeadlines } from "~/modules/disputes/dispute-decisions.server";
import { releaseDueEarnings } from "~/modules/earnings/earnings.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAffiliate } from "./factories/accounts";
import { useTestStack } from "./support/app";
import { postConversion, settledConversion } from "./support/conversions";
import { available, conversionMarketWithLead, fees, held, wallet } from "./support/disputes";
import { expectLedgerInvariants } from "./support/ledger-invariants";
import { makeMarket, postAndSettle } from "./support/selling";

const stack = useTestStack({ workers: true });
const DAY = 86_400_000;
const cps = { pricingModel: "CPS" as const, priceCents: 0, salePercentBps: 1250, conversionEvents: [] };

async function billed(apiKey: string, body: Record<string, unknown>) {
  const answer = await postConversion(stack().appUrl, apiKey, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return settledConversion(answer.body.leadex_conversion_id);
}

const marketWithLead = (offer: Parameters<typeof conversionMarketWithLead>[1] = {}) => conversionMarketWithLead(stack(), offer);

/** Past the lock period: locked, and the earning released to available. */
async function lockAndRelease(conversionId: string) {
  const conversion = await prisma.conversion.findUniqueOrThrow({ where: { id: conversionId } });
  const later = new Date(conversion.lockAt!.getTime() + 1000);
  await prisma.conversion.update({ where: { id: conversionId }, data: { lockAt: new Date(Date.now() - 1000) } });
  await prisma.earning.updateMany({ where: { conversionId }, data: { availableAt: new Date(Date.now() - 1000) } });
  expect(later.getTime()).toBeGreaterThan(Date.now());
  await lockDueConversions();
  await releaseDueEarnings(`run-${randomUUID()}`);
  return prisma.conversion.findUniqueOrThrow({ where: { id: conversionId } });
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "refused").toBeTruthy();
  return error as { status: number; code: string; message: string; fieldErrors?: Record<string, string>; existingId?: string };
}

describe("missing conversion inquiries", () => {
  it("an inquiry confirmed by the advertiser is recorded with its real date and billed once, however many answers race", async () => {
    const { lead, affiliate, buyer, advertiserId, affiliateId } = await marketWithLead();
    const occurredAt = new Date();
    const [walletBefore, feesBefore] = [await wallet(advertiserId), await fees()];
    const inquiry = await openInquiry(affiliate.actor, {
      lead_id: lead.id,
      reason: "missing",
      event: "funded",
      order_ref: "loan-77",
      occurred_at: occurredAt.toISOString(),
      expected_payout: "96.00",
      note: "The borrower sent us the funding letter",
      evidence_url: "https://example.com/letter.pdf",
    });
    expect(inquiry).toMatchObject({ kind: "CONVERSION_INQUIRY", status: "AWAITING_RESPONSE", advertiserId, affiliateId, conversionId: null });
    expect(inquiry.responseDueAt!.getTime() - inquiry.createdAt.getTime()).toBeGreaterThan(71 * 3_600_000);
    expect(inquiry.finding).toMatchObject({ summary: "Nothing was tracked on this lead" });
    const told = await prisma.userNotice.findFirstOrThrow({ where: { kind: "DISPUTE", user: { companyId: advertiserId } } });
    expect(JSON.stringify(told.data)).toContain("Confirm it");

    // The seller cannot answer its own inquiry; the same claim again is refused, naming the first.
    expect((await refusal(respondToDispute(affiliate.actor, inquiry.id, { response: "confirm" }))).status).toBe(403);
    const again = await refusal(
      openInquiry(affiliate.actor, { lead_id: lead.id, reason: "missing", event: "funded", order_ref: "loan-77", occurred_at: occurredAt.toISOString() }),
    );
    expect(again).toMatchObject({ status: 409, code: "inquiry_exists", existingId: inquiry.id });

    // Two confirmations and the deadline job at once: one of them wins.
    const results = await Promise.allSettled([
      respondToDispute(buyer.actor, inquiry.id, { response: "confirm" }),
      respondToDispute(buyer.actor, inquiry.id, { response: "confirm", note: "Found it in our CRM" }),
      runDisputeDeadlines(new Date(inquiry.responseDueAt!.getTime() + 1000)),
    ]);
    const refusedAnswers = results.slice(0, 2).filter((r) => r.status === "rejected");
    expect(refusedAnswers.length).toBeGreaterThanOrEqual(1);
    for (const r of refusedAnswers) expect((r as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: "dispute_not_open" });
    let decided = await prisma.dispute.findUniqueOrThrow({ where: { id: inquiry.id } });
    if (decided.status === "IN_REVIEW") {
      // The deadline job won: an admin approves it instead.
      decided = await decideDispute((await makeAdmin()).actor, inquiry.id, { decision: "approve", reason: "The buyer confirmed by phone" });
    }
    expect(decided).toMatchObject({ status: "APPROVED" });
    expect((await refusal(decideDispute((await makeAdmin()).actor, inquiry.id, { decision: "approve", reason: "twice" }))).code).toBe("dispute_not_open");

    const conversions = await prisma.conversion.findMany({ where: { leadId: lead.id } });
    expect(conversions).toHaveLength(1);
    expect(conversions[0]).toMatchObject({ source: "INQUIRY", status: "APPROVED", event: "funded", payoutCents: 12_000, occurredAt });
    expect(decided).toMatchObject({ conversionId: conversions[0].id, journalEntryId: conversions[0].journalEntryId });
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: { startsWith: `conversion:${conversions[0].id}` } } })).toBe(1);
    expect(await wallet(advertiserId)).toBe(walletBefore - 12_000n);
    expect(await held(affiliateId)).toBe(9_600n);
    expect(await fees()).toBe(feesBefore + 2_400n);
    const timeline = await prisma.leadEvent.findMany({ where: { leadId: lead.id, type: "dispute" }, orderBy: { seq: "asc" } });
    expect(timeline.at(-1)!.message).toContain("Inquiry approved (Conversion not tracked)");
    expect(await prisma.userNotice.count({ where: { kind: "DISPUTE", user: { companyId: affiliateId } } })).toBeGreaterThanOrEqual(1);
    await expectLedgerInvariants();
  });

  it("a declined inquiry goes to an admin, who approves it: the sale is billed on the offer's terms", async () => {
    const { lead, affiliate, buyer, advertiserId, affiliateId } = await marketWithLead(cps);
    const inquiry = await openInquiry(affiliate.actor, { lead_id: lead.id, reason: "missing", amount: "200.00", occurred_at: new Date().toISOString() });
    await expect(respondToDispute(buyer.actor, inquiry.id, { response: "decline" })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { note: expect.any(String) },
    });
    await expect(respondToDispute(buyer.actor, inquiry.id, { response: "accept" })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { response: expect.any(String) },
    });
    const declined = await respondToDispute(buyer.actor, inquiry.id, { response: "decline", note: "No such order in our shop" });
    expect(declined.status).toBe("IN_REVIEW");
    // The seller does not decide its own inquiry.
    await expect(decideDispute(affiliate.actor, inquiry.id, { decision: "approve", reason: "mine" })).rejects.toMatchObject({ status: 403 });
    const walletBefore = await wallet(advertiserId);
    const admin = await makeAdmin();
    const approved = await decideDispute(admin.actor, inquiry.id, { decision: "approve", reason: "The order confirmation matches the lead" });
    expect(approved).toMatchObject({ status: "APPROVED", resolvedBy: "ADMIN", decidedById: admin.actor.userId });
    const conversion = await prisma.conversion.findUniqueOrThrow({ where: { id: approved.conversionId! } });
    // 12.5% of 200.00 = 25.00; the affiliate earns 80% of it.
    expect(conversion).toMatchObject({ kind: "SALE", saleAmountCents: 20_000, payoutCents: 2_500, source: "INQUIRY" });
    expect(await wallet(advertiserId)).toBe(walletBefore - 2_500n);
    expect(await held(affiliateId)).toBe(2_000n);
    await expectLedgerInvariants();
  });

  it("an inquiry nobody answers goes to the admin queue", async () => {
    const { lead, affiliate, affiliateId } = await marketWithLead();
    const inquiry = await openInquiry(affiliate.actor, { lead_id: lead.id, reason: "missing", event: "application", occurred_at: new Date().toISOString() });
    expect(await runDisputeDeadlines(new Date(inquiry.responseDueAt!.getTime() - 1000))).toMatchObject({ escalated: 0 });
    const outcome = await runDisputeDeadlines(new Date(inquiry.responseDueAt!.getTime() + 1000));
    expect(outcome.escalated).toBeGreaterThanOrEqual(1);
    expect(await prisma.dispute.findUniqueOrThrow({ where: { id: inquiry.id } })).toMatchObject({ status: "IN_REVIEW", responseDueAt: null });
    const told = await prisma.userNotice.findMany({ where: { kind: "DISPUTE", user: { companyId: affiliateId } } });
    expect(told.map((n) => JSON.stringify(n.data)).join()).toContain("not answered in time");
    expect(await prisma.conversion.count({ where: { leadId: lead.id } })).toBe(0);
  });

  it("a wrong amount confirmed after the lock re-prices the sale: the difference is billed and released at once", async () => {
    const { lead, affiliate, buyer, advertiserId, affiliateId } = await marketWithLead(cps);
    const tracked = await billed(buyer.apiKey, { lead_id: lead.id, conversion_id: "order-9", amount: "200.00" });
    const locked = await lockAndRelease(tracked.id);
    expect(locked.status).toBe("LOCKED");
    expect(await available(affiliateId)).toBe(2_000n);
    const [walletBefore, feesBefore] = [await wallet(advertiserId), await fees()];

    await expect(openInquiry(affiliate.actor, { lead_id: lead.id, reason: "wrong_amount", amount: "300.00" })).rejects.toMatchObject({
      status: 422,
      code: "conversion_required",
      fieldErrors: { conversion_id: expect.any(String) },
    });
    const same = await refusal(openInquiry(affiliate.actor, { lead_id: lead.id, reason: "wrong_amount", conversion_id: "order-9", amount: "200.00" }));
    expect(same).toMatchObject({ status: 422, fieldErrors: { amount: "The same amount as tracked" } });
    const inquiry = await openInquiry(affiliate.actor, { lead_id: lead.id, reason: "wrong_amount", conversion_id: "order-9", amount: "300.00" });
    expect(inquiry.conversionId).toBe(tracked.id);
    const approved = await respondToDispute(buyer.actor, inquiry.id, { response: "confirm", note: "A second item was added" });
    expect(approved).toMatchObject({ status: "APPROVED", resolvedBy: "RESPONDENT", conversionId: tracked.id, journalEntryId: expect.any(String) });
    // 12.5% of 300.00 = 37.50 instead of 25.00: 12.50 more, 10.00 of it the affiliate's, available at once.
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: tracked.id } })).toMatchObject({ saleAmountCents: 30_000, payoutCents: 3_750 });
    expect(await wallet(advertiserId)).toBe(walletBefore - 1_250n);
    expect(await available(affiliateId)).toBe(3_000n);
    expect(await fees()).toBe(feesBefore + 250n);
    await expectLedgerInvariants();
  });

  it("a conversion the advertiser rejected after billing is re-decided as approved and billed again", async () => {
    const { lead, affiliate, buyer, advertiserId, affiliateId } = await marketWithLead();
    const tracked = await billed(buyer.apiKey, { lead_id: lead.id, conversion_id: "app-5", event: "funded" });
    await decideConversion(buyer.actor, tracked.id, "reject", "Applicant withdrew");
    expect(await held(affiliateId)).toBe(0n);
    const walletBefore = await wallet(advertiserId);

    const pending = await refusal(openInquiry(affiliate.actor, { lead_id: lead.id, reason: "wrong_amount", conversion_id: tracked.id, event: "application" }));
    expect(pending).toMatchObject({ status: 409, code: "conversion_not_adjustable" });
    const inquiry = await openInquiry(affiliate.actor, {
      lead_id: lead.id,
      reason: "wrongly_rejected",
      conversion_id: "app-5",
      evidence_text: "The loan was funded on the 3rd",
    });
    expect(inquiry.finding).toMatchObject({ summary: "The conversion was rejected: Applicant withdrew" });
    await respondToDispute(buyer.actor, inquiry.id, { response: "decline", note: "Still withdrawn" });
    const approved = await decideDispute((await makeAdmin()).actor, inquiry.id, { decision: "approve", reason: "The funding letter is genuine" });
    expect(approved).toMatchObject({ status: "APPROVED", conversionId: tracked.id, journalEntryId: expect.any(String) });
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: tracked.id } })).toMatchObject({ status: "APPROVED", reversedPayoutCents: 0 });
    expect(await wallet(advertiserId)).toBe(walletBefore - 12_000n);
    expect(await held(affiliateId)).toBe(9_600n);
    await expectLedgerInvariants();
  });

  it("refuses inquiries past 90 days, in the future, on another's lead, on CPL leads, from a buyer, or with bad fields", async () => {
    const { lead, affiliate, buyer } = await marketWithLead();
    const stale = await refusal(
      openInquiry(affiliate.actor, { lead_id: lead.id, reason: "missing", event: "funded", occurred_at: new Date(Date.now() - 91 * DAY).toISOString() }),
    );
    expect(stale).toMatchObject({ status: 422, code: "inquiry_window_closed", fieldErrors: { occurred_at: expect.stringContaining("90 days") } });
    const future = await refusal(
      openInquiry(affiliate.actor, { lead_id: lead.id, reason: "missing", event: "funded", occurred_at: new Date(Date.now() + DAY).toISOString() }),
    );
    expect(future).toMatchObject({ status: 422, fieldErrors: { occurred_at: "A date in the future" } });
    const other = await makeAffiliate();
    expect(
      await refusal(openInquiry(other.actor, { lead_id: lead.id, reason: "missing", event: "funded", occurred_at: new Date().toISOString() })),
    ).toMatchObject({
      status: 404,
      fieldErrors: { lead_id: expect.any(String) },
    });
    expect((await refusal(openInquiry(buyer.actor, { lead_id: lead.id, reason: "missing", event: "funded" }))).status).toBe(403);
    const bad = await refusal(openInquiry(affiliate.actor, { lead_id: lead.id, reason: "lost", amount: "-5", occurred_at: "yesterday" }));
    expect(bad).toMatchObject({
      status: 422,
      fieldErrors: { reason: expect.stringContaining("missing"), amount: expect.any(String), occurred_at: expect.any(String) },
    });
    const unknownEvent = await refusal(
      openInquiry(affiliate.actor, { lead_id: lead.id, reason: "missing", event: "signup", occurred_at: new Date().toISOString() }),
    );
    expect(unknownEvent).toMatchObject({ status: 422, code: "unknown_event", fieldErrors: { event: expect.any(String) } });

    const cpl = await makeMarket(stack());
    const cplLead = await postAndSettle(stack(), cpl.affiliate.apiKey, cpl.offer.id);
    expect(
      await refusal(openInquiry(cpl.affiliate.actor, { lead_id: cplLead.id, reason: "missing", event: "funded", occurred_at: new Date().toISOString() })),
    ).toMatchObject({
      status: 409,
      code: "not_billed_on_conversions",
    });
  });

  it("a CSV of inquiries answers each row", async () => {
    const { lead, affiliate } = await marketWithLead();
    const when = new Date().toISOString();
    const csv = [
      "lead_id,reason,event,occurred_at,order_ref,note",
      `${lead.id},missing,funded,${when},csv-1,first`,
      `${lead.id},missing,funded,${when},csv-1,again`,
      `not-a-lead,missing,funded,${when},csv-2,`,
      `${lead.id},lost,funded,${when},csv-3,`,
    ].join("\n");
    const result = await openInquiriesFromCsv(affiliate.actor, csv);
    expect(result).toMatchObject({
      ok: true,
      rows: [
        { rowNumber: 2, outcome: "accepted", disputeId: expect.any(String) },
        { rowNumber: 3, outcome: "refused", code: "inquiry_exists" },
        { rowNumber: 4, outcome: "refused", code: "lead_not_found" },
        { rowNumber: 5, outcome: "refused", code: "invalid_fields", message: expect.stringContaining("reason:") },
      ],
    });
    expect(await openInquiriesFromCsv(affiliate.actor, "lead,why\n1,2")).toMatchObject({
      ok: false,
      message: expect.stringContaining('Unknown column "lead"'),
    });
  });
});

describe("conversion disputes", () => {
  it("a refund after the lock, accepted by the seller, reverses the refunded part: the affiliate owes it back", async () => {
    const { lead, affiliate, buyer, advertiserId, affiliateId } = await marketWithLead(cps);
    const tracked = await billed(buyer.apiKey, { lead_id: lead.id, conversion_id: "order-1", amount: "200.00" });
    // Still pending: reversed directly, not disputed.
    const early = await refusal(openConversionDispute(buyer.actor, { conversion_id: "order-1", reason: "refunded" }));
    expect(early).toMatchObject({ status: 409, code: "conversion_still_pending", message: expect.stringContaining("type=reversal") });
    await lockAndRelease(tracked.id);
    expect(await available(affiliateId)).toBe(2_000n);
    const [walletBefore, feesBefore] = [await wallet(advertiserId), await fees()];

    expect((await refusal(openConversionDispute(affiliate.actor, { conversion_id: "order-1", reason: "refunded" }))).status).toBe(403);
    const tooMuch = await refusal(openConversionDispute(buyer.actor, { conversion_id: "order-1", reason: "refunded", amount: "250.00" }));
    expect(tooMuch).toMatchObject({ status: 422, fieldErrors: { amount: expect.stringContaining("200.00") } });
    const dispute = await openConversionDispute(buyer.actor, {
      conversion_id: "order-1",
      reason: "refunded",
      amount: "80.00",
      note: "Partial refund on 2 items",
    });
    expect(dispute).toMatchObject({ kind: "CONVERSION_DISPUTE", status: "AWAITING_RESPONSE", conversionId: tracked.id });
    expect((await refusal(openConversionDispute(buyer.actor, { conversion_id: tracked.id, reason: "chargeback" }))).code).toBe("dispute_exists");
    const told = await prisma.userNotice.findFirstOrThrow({ where: { kind: "DISPUTE", user: { companyId: affiliateId } } });
    expect(JSON.stringify(told.data)).not.toContain(buyer.email);

    expect((await refusal(respondToDispute(buyer.actor, dispute.id, { response: "accept" }))).status).toBe(403);
    const accepted = await respondToDispute(affiliate.actor, dispute.id, { response: "accept" });
    expect(accepted).toMatchObject({ status: "APPROVED", resolvedBy: "RESPONDENT", journalEntryId: expect.any(String) });
    // 80.00 of 200.00 refunded: 40% of the 25.00 payout (10.00) back; 8.00 of it from the affiliate's available money.
    expect(await wallet(advertiserId)).toBe(walletBefore + 1_000n);
    expect(await available(affiliateId)).toBe(1_200n);
    expect(await fees()).toBe(feesBefore - 200n);
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: tracked.id } })).toMatchObject({ reversedSaleCents: 8_000, status: "LOCKED" });
    expect(await prisma.earning.count({ where: { conversionId: tracked.id, kind: "CLAWBACK" } })).toBe(1);
    await expectLedgerInvariants();
  });

  it("a contested dispute is decided by an admin; an unanswered one is accepted at the deadline", async () => {
    const { lead, affiliate, buyer, advertiserId, affiliateId } = await marketWithLead();
    const first = await billed(buyer.apiKey, { lead_id: lead.id, conversion_id: "c-1", event: "funded" });
    await decideConversion(buyer.actor, first.id, "approve", "");
    const second = await billed(buyer.apiKey, { lead_id: lead.id, conversion_id: "c-2", event: "application" });
    await decideConversion(buyer.actor, second.id, "approve", "");
    expect(await held(affiliateId)).toBe(9_600n + 1_200n);
    const walletBefore = await wallet(advertiserId);

    const contested = await openConversionDispute(buyer.actor, { conversion_id: "c-1", reason: "fraud", evidence_text: "Stolen identity" });
    await expect(respondToDispute(affiliate.actor, contested.id, { response: "contest" })).rejects.toMatchObject({ status: 422 });
    expect((await respondToDispute(affiliate.actor, contested.id, { response: "contest", note: "Verified by video call" })).status).toBe("IN_REVIEW");
    await expect(decideDispute(buyer.actor, contested.id, { decision: "approve", reason: "mine" })).rejects.toMatchObject({ status: 403 });
    const approved = await decideDispute((await makeAdmin()).actor, contested.id, { decision: "approve", reason: "The ID check failed" });
    expect(approved).toMatchObject({ status: "APPROVED", journalEntryId: expect.any(String) });
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: "REVERSED" });
    expect(await wallet(advertiserId)).toBe(walletBefore + 12_000n);
    expect(await held(affiliateId)).toBe(1_200n);

    const unanswered = await openConversionDispute(buyer.actor, { conversion_id: "c-2", reason: "cancelled" });
    const outcome = await runDisputeDeadlines(new Date(unanswered.responseDueAt!.getTime() + 1000));
    expect(outcome.approved).toBeGreaterThanOrEqual(1);
    expect(await prisma.dispute.findUniqueOrThrow({ where: { id: unanswered.id } })).toMatchObject({ status: "APPROVED", resolvedBy: "DEADLINE" });
    expect(await held(affiliateId)).toBe(0n);
    expect(await wallet(advertiserId)).toBe(walletBefore + 13_500n);
    // Already reversed: nothing left to dispute.
    expect((await refusal(openConversionDispute(buyer.actor, { conversion_id: "c-3-missing", reason: "fraud" }))).status).toBe(404);
    await expectLedgerInvariants();
  });
});
