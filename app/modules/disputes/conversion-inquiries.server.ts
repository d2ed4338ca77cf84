import { formatUtcMinute } from "~/utils/duration";
import type { Conversion, Dispute, LeadSale } from "~/generated/prisma/client";
import { chargeConversion } from "~/modules/conversions/conversion-billing.server";
import { reinstateRejectedConversion } from "~/modules/conversions/conversion-decisions.server";
import { ConversionRefusedError } from "~/modules/conversions/conversion-errors";
import { checkWhen, priceOnTerms, recordConversionInTx, termsOfSale } from "~/modules/conversions/conversion-intake.server";
import { repriceConversion } from "~/modules/conversions/conversion-repricing.server";
import { describeConversion, termsOf } from "~/modules/conversions/conversion-rows.server";
import type { ConversionTerms } from "~/modules/conversions/conversion-terms";
import { prisma, type Tx } from "~/utils/db.server";
import { isDomainError, parseOrThrow } from "~/utils/errors";
import { formatMoney } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import {
  INQUIRY_REASON_LABELS,
  INQUIRY_WINDOW_DAYS,
  inquiryRequestSchema,
  readInquiryClaim,
  type InquiryClaim,
  type InquiryRequest,
} from "./conversion-disputes.schema";
import { DisputeRefusedError } from "./dispute-errors";
import { addEvidence } from "./dispute-evidence.server";
import { approvalStep, approvalWords, approvedColumns, day, DAY_MS, isUniqueViolation, partiesOfSale, responseDeadline } from "./dispute-opening.server";
import { recordDisputeStep } from "./dispute-steps.server";
import type { Finding } from "./disputes.schema";
import type { InquiryReasonCode } from "./disputes.schema";
import type { ApprovalContext } from "./lead-returns.server";

// Missing conversion inquiries (affiliate → advertiser → admin). An affiliate that believes a lead
// it sold on CPA/CPS terms converted untracked, was tracked with the wrong amount, or was wrongly
// rejected asks the buyer, up to 90 days after the conversion. The buyer confirms (the conversion
// is recorded with its real date, corrected or re-decided, and billed once, in the transaction of
// the confirmation) or declines (an admin decides); an unanswered inquiry goes to an admin too.

/** A conversion may be dated this far in the future (clock skew), as for the buyer's own reports. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

/** The external id of the conversion a confirmed `missing` inquiry records: one per inquiry. */
export const inquiryConversionId = (disputeId: string) => `inquiry-${disputeId}`;

interface InquiryTarget {
  lead: { id: string; externalId: string; affiliateId: string; offerId: string };
  sale: Pick<LeadSale, "id" | "orderId" | "advertiserId" | "soldAt" | "pricingModel">;
  conversion: Conversion | null;
}

/**
 * An affiliate opens an inquiry about one of its leads. Refusals are DisputeRefusedError (or the
 * conversion intake's own ConversionRefusedError) naming the field; the same claim twice is a 409
 * naming the inquiry already open.
 */
export async function openInquiry(actor: Actor, record: Record<string, unknown>, options: { now?: Date } = {}): Promise<Dispute> {
  requirePermission(actor, "write:dispute:own");
  if (actor.role !== "AFFILIATE") {
    throw new DisputeRefusedError("forbidden", 403, "Only the seller of a lead opens a missing conversion inquiry; a buyer reports its conversions itself");
  }
  const input = parseOrThrow(inquiryRequestSchema, record);
  const now = options.now ?? new Date();
  const reason = input.reason;
  const target = await findTarget(actor, input);
  const { lead, sale, conversion } = target;

  const occurredAt = input.occurred_at ?? conversion?.occurredAt;
  if (!occurredAt) throw new DisputeRefusedError("invalid_fields", 422, "Send the date the conversion happened", { occurred_at: "Send the date it happened" });
  if (occurredAt.getTime() > now.getTime() + FUTURE_SKEW_MS) {
    throw new DisputeRefusedError("occurred_in_future", 422, "The conversion is dated in the future", { occurred_at: "A date in the future" });
  }
  const closes = new Date(occurredAt.getTime() + INQUIRY_WINDOW_DAYS * DAY_MS);
  if (now.getTime() >= closes.getTime()) {
    const message = `Inquiries are taken up to ${INQUIRY_WINDOW_DAYS} days after the conversion: for one on ${day(occurredAt)} the window closed on ${closes.toISOString()}`;
    throw new DisputeRefusedError("inquiry_window_closed", 422, message, { occurred_at: message });
  }

  const { terms } = await termsOfSale(prisma, sale.id);
  const claim = await checkClaim(reason, input, target, terms, occurredAt, now);
  const key = inquiryKey(sale.id, reason, input, claim, conversion);
  const finding = await inquiryFinding(reason, target, claim, conversion ? termsOf(conversion) : terms);
  const label = INQUIRY_REASON_LABELS[reason];

  try {
    return await prisma.$transaction(async (tx) => {
      const existing = await tx.dispute.findUnique({ where: { key }, select: { id: true, status: true, createdAt: true } });
      if (existing) throw alreadyAsked(existing);
      const responseDueAt = responseDeadline(now);
      const dispute = await tx.dispute.create({
        data: {
          kind: "CONVERSION_INQUIRY",
          key,
          ...partiesOfSale(lead, sale),
          conversionId: conversion?.id ?? null,
          openedById: actor.userId,
          openedByRole: actor.role,
          reasonCode: reason,
          note: input.note ?? null,
          claim,
          finding,
          responseDueAt,
        },
      });
      await addEvidence(tx, dispute.id, "opener", actor.userId, input);
      await recordDisputeStep(tx, dispute, "opened", {
        actorId: actor.userId,
        message: `Missing conversion inquiry opened by the seller: ${label}, ${describeClaim(claim)}${input.note ? ` ("${input.note.slice(0, 200)}")` : ""}`,
        data: { reasonCode: reason },
      });
      await recordDisputeStep(tx, dispute, "awaiting_response", {
        actorId: null,
        message: `The buyer has until ${formatUtcMinute(responseDueAt)} to confirm or decline it`,
        tell: {
          advertiser:
            `An affiliate asks about a conversion on lead ${lead.id}: ${label}, ${describeClaim(claim)}. ` +
            `Confirm it (it is recorded and billed) or decline it with a reason by ${formatUtcMinute(responseDueAt)}; with no answer by then an admin decides.`,
        },
      });
      return dispute;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const existing = await prisma.dispute.findUnique({ where: { key }, select: { id: true, status: true, createdAt: true } });
      if (existing) throw alreadyAsked(existing);
    }
    throw error;
  }
}

function alreadyAsked(existing: { id: string; status: string; createdAt: Date }) {
  return new DisputeRefusedError(
    "inquiry_exists",
    409,
    `This conversion was already asked about (inquiry ${existing.id}, ${existing.status.toLowerCase().replace("_", " ")}, opened ${existing.createdAt.toISOString()}): one inquiry per claim`,
    undefined,
    existing.id,
  );
}

/** The affiliate's own lead, the sale on CPA/CPS terms it is about, and the conversion it points at. */
async function findTarget(actor: Actor, input: InquiryRequest): Promise<InquiryTarget> {
  const lead = await prisma.lead.findFirst({
    where: { id: input.lead_id, affiliateId: actor.companyId },
    select: { id: true, externalId: true, affiliateId: true, offerId: true },
  });
  if (!lead) throw new DisputeRefusedError("lead_not_found", 404, `No lead ${input.lead_id} among the leads you sent`, { lead_id: "Not one of your leads" });

  let conversion: Conversion | null = null;
  if (input.conversion_id) {
    conversion = await prisma.conversion.findFirst({
      where: { leadId: lead.id, affiliateId: actor.companyId, OR: [{ id: input.conversion_id }, { externalId: input.conversion_id }] },
      orderBy: { occurredAt: "asc" },
    });
    if (!conversion) {
      throw new DisputeRefusedError("conversion_not_found", 404, `No conversion ${input.conversion_id} on lead ${lead.id}`, {
        conversion_id: "No such conversion on this lead",
      });
    }
  } else if (input.reason !== "missing") {
    throw new DisputeRefusedError("conversion_required", 422, `A ${input.reason} inquiry is about a conversion already tracked: send its id`, {
      conversion_id: "Send the conversion's id (Leadex's, or the buyer's)",
    });
  }

  const sales = await prisma.leadSale.findMany({
    where: { leadId: lead.id, ...(conversion ? { id: conversion.saleId } : {}) },
    orderBy: { soldAt: "asc" },
    select: { id: true, orderId: true, advertiserId: true, soldAt: true, pricingModel: true },
  });
  if (sales.length === 0)
    throw new DisputeRefusedError("lead_not_sold", 409, `Lead ${lead.id} was not sold: there is no buyer to ask`, { lead_id: "Not sold" });
  const sale = sales.find((s) => s.pricingModel !== "CPL");
  if (!sale) {
    throw new DisputeRefusedError(
      "not_billed_on_conversions",
      409,
      `Lead ${lead.id} was sold on CPL terms: it was paid when sold, and its buyer pays nothing per conversion`,
      { lead_id: "Sold on CPL terms" },
    );
  }
  return { lead, sale, conversion };
}

/** Checks what is claimed against the offer's terms and the conversion pointed at; the claim as stored. */
async function checkClaim(
  reason: InquiryReasonCode,
  input: InquiryRequest,
  { lead, sale, conversion }: InquiryTarget,
  terms: ConversionTerms,
  occurredAt: Date,
  now: Date,
): Promise<InquiryClaim> {
  const claim: InquiryClaim = {
    order_ref: input.order_ref ?? null,
    conversion_id: conversion?.id ?? null,
    event: terms.pricingModel === "CPA" ? (input.event ?? null) : null,
    sale_amount_cents: terms.pricingModel === "CPS" ? (input.amount ?? null) : null,
    occurred_at: occurredAt.toISOString(),
    expected_payout_cents: input.expected_payout ?? null,
    currency: conversion?.currency ?? terms.currency,
  };
  if (reason === "missing") {
    checkWhen(occurredAt, sale.soldAt, terms, now);
    priceOnTerms(terms, claim.event, claim.sale_amount_cents);
    if (input.order_ref) {
      const tracked = await prisma.conversion.findUnique({
        where: { advertiserId_externalId: { advertiserId: sale.advertiserId, externalId: input.order_ref } },
        select: { id: true, leadId: true, status: true },
      });
      if (tracked?.leadId === lead.id) {
        throw new DisputeRefusedError(
          "conversion_tracked",
          409,
          `The buyer reported order ${input.order_ref} on this lead (conversion ${tracked.id}, ${tracked.status.toLowerCase()}): ask about it as wrong_amount or wrongly_rejected`,
          { order_ref: "Already tracked" },
        );
      }
    }
    return claim;
  }

  const tracked = conversion!;
  if (reason === "wrongly_rejected") {
    if (tracked.status !== "REJECTED") {
      throw new DisputeRefusedError(
        "conversion_not_rejected",
        409,
        `Conversion ${tracked.id} is ${tracked.status.toLowerCase()}: only a rejected conversion can be claimed as wrongly rejected`,
        { conversion_id: "Not rejected" },
      );
    }
    return { ...claim, event: tracked.event, sale_amount_cents: tracked.saleAmountCents };
  }
  // wrong_amount: another sale amount (CPS) or another event (CPA), priced on the conversion's own terms.
  if (["REJECTED", "REVERSED", "FRAUD"].includes(tracked.status) || tracked.reversedPayoutCents > 0) {
    throw new DisputeRefusedError(
      "conversion_not_adjustable",
      409,
      `Conversion ${tracked.id} is ${tracked.reversedPayoutCents > 0 && tracked.status !== "REVERSED" ? "partly reversed" : tracked.status.toLowerCase()}: its amount cannot be corrected${tracked.status === "REJECTED" ? "; ask about it as wrongly_rejected" : ""}`,
      { conversion_id: "Not correctable" },
    );
  }
  const own = termsOf(tracked);
  const event = tracked.kind === "ACTION" ? (input.event ?? null) : null;
  const amount = tracked.kind === "SALE" ? (input.amount ?? null) : null;
  priceOnTerms(own, event, amount);
  if (tracked.kind === "SALE" && amount === tracked.saleAmountCents) {
    throw new DisputeRefusedError("invalid_fields", 422, "The amount claimed is the amount tracked", { amount: "The same amount as tracked" });
  }
  if (tracked.kind === "ACTION" && event === tracked.event) {
    throw new DisputeRefusedError("invalid_fields", 422, "The event claimed is the event tracked", { event: "The same event as tracked" });
  }
  return { ...claim, event, sale_amount_cents: amount, currency: tracked.currency };
}

/** One inquiry per claim: the buyer's order id if known, else what and when; the conversion pointed at. */
function inquiryKey(saleId: string, reason: InquiryReasonCode, input: InquiryRequest, claim: InquiryClaim, conversion: Conversion | null): string {
  if (conversion) return `inquiry:${saleId}:conversion:${conversion.id}:${reason}`;
  if (input.order_ref) return `inquiry:${saleId}:order:${input.order_ref}`;
  const what = claim.event ? `event:${claim.event}` : `sale:${claim.sale_amount_cents}`;
  return `inquiry:${saleId}:${what}:${claim.occurred_at.slice(0, 10)}`;
}

function describeClaim(claim: InquiryClaim): string {
  const what = claim.event ? `action ${claim.event}` : `sale of ${formatMoney(claim.sale_amount_cents ?? 0, claim.currency)}`;
  const order = claim.order_ref ? `, order ${claim.order_ref}` : "";
  return `${what} on ${day(new Date(claim.occurred_at))}${order}`;
}

/** What the platform can tell by itself: what it tracked on this sale, and what the claim would pay. */
async function inquiryFinding(reason: InquiryReasonCode, { sale, conversion }: InquiryTarget, claim: InquiryClaim, terms: ConversionTerms): Promise<Finding> {
  const facts: string[] = [];
  const tracked = await prisma.conversion.findMany({ where: { saleId: sale.id }, orderBy: { occurredAt: "asc" }, take: 20 });
  facts.push(
    tracked.length === 0
      ? "No conversion was tracked on this lead"
      : `Tracked on this lead: ${tracked.map((c) => `${describeConversion(c)} on ${day(c.occurredAt)}, ${c.status.toLowerCase()}`).join("; ")}`,
  );
  try {
    const priced = priceOnTerms(terms, claim.event, claim.sale_amount_cents);
    facts.push(
      `On the offer's terms the claim pays ${formatMoney(priced.payoutCents, claim.currency)} (the seller's share ${formatMoney(priced.earningCents, claim.currency)})`,
    );
  } catch (error) {
    if (!isDomainError(error)) throw error;
  }
  if (claim.expected_payout_cents !== null) facts.push(`The seller expects ${formatMoney(claim.expected_payout_cents, claim.currency)}`);
  if (conversion?.status === "REJECTED") facts.push(`Rejected${conversion.reason ? `: ${conversion.reason}` : ""}`);
  const summary =
    reason === "missing"
      ? tracked.length === 0
        ? "Nothing was tracked on this lead"
        : `${tracked.length} conversion${tracked.length > 1 ? "s were" : " was"} tracked on this lead, none under this claim`
      : reason === "wrongly_rejected"
        ? `The conversion was rejected${conversion?.reason ? `: ${conversion.reason}` : ""}`
        : `Tracked as ${describeConversion(conversion!)}`;
  return { verdict: "unknown", summary, facts };
}

/**
 * Approves an inquiry (the buyer confirmed, or an admin approved) and bills it in the caller's
 * transaction: `missing` records the conversion with its real date (one per inquiry) and charges
 * it; `wrong_amount` re-prices the conversion (after its lock too); `wrongly_rejected` re-decides
 * it as approved and bills it. Each is keyed by the inquiry, so no path bills twice. A wallet that
 * cannot pay refuses the approval (409), and the inquiry stays where it was.
 */
export async function approveConversionInquiry(tx: Tx, dispute: Dispute, ctx: ApprovalContext): Promise<Dispute> {
  const claim = readInquiryClaim(dispute.claim);
  const reason = dispute.reasonCode as InquiryReasonCode;
  const label = INQUIRY_REASON_LABELS[reason] ?? reason;
  const key = `inquiry:${dispute.id}`;
  let conversion: Conversion;
  let journalEntryId: string | null;
  let moneyWords: string;

  if (reason === "missing") {
    const externalId = inquiryConversionId(dispute.id);
    const earlier = await tx.conversion.findUnique({ where: { advertiserId_externalId: { advertiserId: dispute.advertiserId, externalId } } });
    conversion =
      earlier ??
      (await recordConversionInTx(
        tx,
        {
          advertiserId: dispute.advertiserId,
          externalId,
          saleId: dispute.saleId,
          event: claim.event,
          saleAmountCents: claim.sale_amount_cents,
          occurredAt: new Date(claim.occurred_at),
          source: "INQUIRY",
        },
        ctx.now,
      ));
    if (!earlier) {
      const outcome = await chargeConversion(tx, conversion, "APPROVED", ctx.now);
      if (outcome === "awaiting_funds") throw unpaid(conversion);
      conversion = await tx.conversion.findUniqueOrThrow({ where: { id: conversion.id } });
    }
    journalEntryId = conversion.journalEntryId;
    moneyWords = `Conversion ${describeConversion(conversion)} recorded on ${day(conversion.occurredAt)} and billed ${formatMoney(conversion.payoutCents, conversion.currency)}`;
  } else if (reason === "wrong_amount") {
    const before = await tx.conversion.findUniqueOrThrow({ where: { id: claim.conversion_id! } });
    const result = await repriceConversion(
      tx,
      before.id,
      {
        key,
        journalKey: `conversion-inquiry:${before.id}:${dispute.id}`,
        target: { event: claim.event, saleAmountCents: claim.sale_amount_cents },
        reason: `Inquiry ${dispute.id}: ${ctx.reason}`,
        by: "an approved inquiry",
        unlockedKind: "AMOUNT_CHANGE",
        unlockedJournalKind: "CONVERSION_AMOUNT_CHANGED",
        overrideLock: true,
      },
      ctx.now,
    );
    conversion = result.conversion;
    const adjustment = await tx.conversionAdjustment.findUniqueOrThrow({ where: { conversionId_key: { conversionId: before.id, key } } });
    journalEntryId = adjustment.journalEntryId;
    moneyWords = `Conversion corrected to ${describeConversion(conversion)}: payout ${formatMoney(before.payoutCents, before.currency)} → ${formatMoney(conversion.payoutCents, conversion.currency)}`;
  } else {
    const result = await reinstateRejectedConversion(tx, claim.conversion_id!, key, `Inquiry ${dispute.id}: ${ctx.reason}`, ctx.now);
    conversion = result.conversion;
    journalEntryId = result.journalEntryId;
    moneyWords = `Conversion ${describeConversion(conversion)} re-decided as approved and billed ${formatMoney(conversion.payoutCents, conversion.currency)}`;
  }

  const approved = await tx.dispute.update({
    where: { id: dispute.id },
    data: { ...approvedColumns(ctx), conversionId: conversion.id, journalEntryId },
  });
  const how = approvalWords(ctx, "buyer");
  const lead = await tx.lead.findUniqueOrThrow({ where: { id: dispute.leadId }, select: { externalId: true } });
  await recordDisputeStep(tx, dispute, approvalStep(ctx), {
    actorId: ctx.actorId,
    message: `Inquiry approved (${label}). ${how}. ${moneyWords}`,
    data: { journalEntryId, conversionId: conversion.id },
    tell: {
      affiliate: `Your inquiry ${dispute.id} about lead ${lead.externalId} (${label}) is approved. ${how}. ${moneyWords}; your earning is in held earnings until the lock period ends.`,
      advertiser: `The inquiry ${dispute.id} about lead ${dispute.leadId} (${label}) is approved. ${how}. ${moneyWords} from your wallet.`,
    },
  });
  return approved;
}

function unpaid(conversion: Conversion): ConversionRefusedError {
  return new ConversionRefusedError(
    "insufficient_balance",
    `The buyer's wallet cannot pay this conversion's payout of ${formatMoney(conversion.payoutCents, conversion.currency)}: it must be topped up first. Nothing changed.`,
  );
}
