import { createHash } from "node:crypto";
import { recordCompanyNotice } from "~/modules/notices/notices.server";
import type { Dispute } from "~/generated/prisma/client";
import { queueAffiliatePostback } from "~/modules/deliveries/affiliate-postbacks.server";
import { reverseLeadSale } from "~/modules/earnings/earnings.server";
import { ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import { advertiserScope } from "~/modules/quality/suppression.server";
import { prisma, type Tx } from "~/utils/db.server";
import { ValidationError, zodFieldErrors } from "~/utils/errors";
import { formatUtcMinute } from "~/utils/duration";
import { formatMoney } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { DisputeRefusedError } from "./dispute-errors";
import { addEvidence } from "./dispute-evidence.server";
import { approvalStep, approvalWords, approvedColumns, isUniqueViolation, partiesOfSale, responseDeadline } from "./dispute-opening.server";
import { recordDisputeStep } from "./dispute-steps.server";
import {
  NOT_RETURNABLE_REASONS,
  RETURN_REASON_CODES,
  RETURN_REASON_LABELS,
  returnOverridesSchema,
  returnRequestSchema,
  type ReturnOverrides,
  type ReturnReasonCode,
} from "./disputes.schema";
import { findReturnEvidence } from "./return-evidence.server";
import { describeUsage, orderReturnUsage, refreshReturnRates } from "./return-rates.server";
import { returnDeadline } from "./return-window";

// Lead returns (advertiser → affiliate → admin). A request is checked (reason, the buyer's own CPL
// sale, window, cap), then judged by the platform's own evidence: proven claims are approved at
// once; the rest wait for the affiliate, who accepts or contests (dispute-decisions.server.ts).

export const returnKey = (saleId: string) => `return:${saleId}`;

export interface OpenedReturn {
  dispute: Dispute;
  /** approved: proven by the platform's evidence; awaiting_response: the affiliate is asked. */
  outcome: "approved" | "awaiting_response";
}

export interface OpenReturnOptions {
  /** Admins only: return on the buyer's behalf past the window or the cap, saying why (audited). */
  overrides?: ReturnOverrides;
  /** Admins only: which sale of the lead (a shared lead has one per buyer). */
  saleId?: string;
  now?: Date;
}

/** The reason code as a return takes it, or the 422 that explains why not. */
export function returnReasonOf(reason: string): ReturnReasonCode {
  const explanation = NOT_RETURNABLE_REASONS[reason];
  if (explanation) throw new DisputeRefusedError("reason_not_returnable", 422, explanation, { reason: explanation });
  if (!(RETURN_REASON_CODES as readonly string[]).includes(reason)) {
    throw new ValidationError({ reason: `Unknown reason "${reason}": use one of ${RETURN_REASON_CODES.join(", ")}` });
  }
  return reason as ReturnReasonCode;
}

/**
 * An advertiser asks to return a lead it bought (or an admin does so on its behalf, with
 * overrides). Twenty identical requests at once create one return: the rest are 409 naming it.
 */
export async function openReturn(actor: Actor, record: Record<string, unknown>, options: OpenReturnOptions = {}): Promise<OpenedReturn> {
  const isAdmin = actor.role === "ADMIN";
  requirePermission(actor, isAdmin ? "write:dispute:any" : "write:dispute:own");
  if (actor.role === "AFFILIATE") throw new DisputeRefusedError("forbidden", 403, "Only the buyer of a lead may return it");
  const parsed = returnRequestSchema.safeParse(record);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const input = parsed.data;
  const reason = returnReasonOf(input.reason);
  const overrides: ReturnOverrides = isAdmin ? returnOverridesSchema.parse(options.overrides ?? {}) : {};
  const now = options.now ?? new Date();

  const sale = await prisma.leadSale.findFirst({
    where: { leadId: input.lead_id, ...(isAdmin ? (options.saleId ? { id: options.saleId } : {}) : { advertiserId: actor.companyId }) },
    orderBy: { soldAt: "asc" },
    include: {
      order: { select: { id: true, filters: true } },
      lead: {
        select: {
          id: true,
          externalId: true,
          affiliateId: true,
          offerId: true,
          phone: true,
          phoneHash: true,
          emailHash: true,
          state: true,
          postalCode: true,
          consent: true,
          fields: true,
          qualityScore: true,
          offer: { select: { country: true, qualityRules: true, returnWindowDays: true } },
        },
      },
    },
  });
  if (!sale) throw new DisputeRefusedError("unknown_lead", 404, `No lead ${input.lead_id} among the leads you bought`, { lead_id: "Not a lead you bought" });
  if (sale.pricingModel !== "CPL" || !sale.journalEntryId) {
    throw new DisputeRefusedError(
      "not_returnable_pricing",
      409,
      `Lead ${input.lead_id} was bought on ${sale.pricingModel} terms: nothing was charged for the lead itself. Dispute the conversion instead.`,
    );
  }
  const lead = sale.lead;

  try {
    return await prisma.$transaction(async (tx) => {
      await lockOrderReturns(tx, sale.orderId);
      const existing = await tx.dispute.findUnique({ where: { key: returnKey(sale.id) }, select: { id: true, status: true, createdAt: true } });
      if (existing) throw alreadyReturned(input.lead_id, existing);

      const deadline = returnDeadline(sale.soldAt, lead.offer.returnWindowDays);
      if (now.getTime() >= deadline.getTime() && !overrides.window) {
        const message = `The return window of lead ${input.lead_id} closed on ${deadline.toISOString()} (${lead.offer.returnWindowDays} days after it was bought on ${sale.soldAt.toISOString()})`;
        throw new DisputeRefusedError("return_window_closed", 422, message, { lead_id: message });
      }
      const usage = await orderReturnUsage(tx, sale.orderId, now);
      if (usage.returns >= usage.allowed && !overrides.cap) {
        throw new DisputeRefusedError("return_cap_reached", 422, `Return refused: ${describeUsage(usage)}. An admin can override the cap.`);
      }

      const finding = await findReturnEvidence(tx, reason, { ...lead, offer: lead.offer }, sale, now);
      const dispute = await tx.dispute.create({
        data: {
          kind: "LEAD_RETURN",
          key: returnKey(sale.id),
          ...partiesOfSale(lead, sale),
          openedById: actor.userId,
          openedByRole: actor.role,
          reasonCode: reason,
          note: input.note ?? null,
          finding,
          overrides,
        },
      });
      await addEvidence(tx, dispute.id, "opener", actor.userId, input);
      const label = RETURN_REASON_LABELS[reason];
      const byAdmin = isAdmin ? ` by an admin on the buyer's behalf${overrideWords(overrides)}` : "";
      await recordDisputeStep(tx, dispute, "opened", {
        actorId: actor.userId,
        message: `Return asked${byAdmin}: ${label}${input.note ? ` ("${input.note.slice(0, 200)}")` : ""}`,
        data: { reasonCode: reason, overrideWindow: overrides.window ?? null, overrideCap: overrides.cap ?? null },
      });

      if (finding.verdict === "proven") {
        const approved = await approveLeadReturn(tx, dispute, { actorId: null, resolvedBy: "EVIDENCE", reason: finding.summary, atPlatformCost: false, now });
        return { dispute: approved, outcome: "approved" as const };
      }
      const responseDueAt = responseDeadline(now);
      const waiting = await tx.dispute.update({ where: { id: dispute.id }, data: { responseDueAt } });
      await recordDisputeStep(tx, dispute, "awaiting_response", {
        actorId: null,
        message: `The platform could not prove it (${finding.summary}); the seller has until ${formatUtcMinute(responseDueAt)} to accept or contest`,
        tell: {
          affiliate:
            `A buyer asked to return your lead ${lead.externalId}: ${label}. What the platform found: ${finding.summary}. ` +
            `Accept or contest it by ${formatUtcMinute(responseDueAt)}; with no answer by then it is accepted.`,
        },
      });
      return { dispute: waiting, outcome: "awaiting_response" as const };
    });
  } catch (error) {
    // The unique key decides a race the order lock did not see (a sale returned through two orders cannot happen, but be safe).
    if (isUniqueViolation(error)) {
      const existing = await prisma.dispute.findUnique({ where: { key: returnKey(sale.id) }, select: { id: true, status: true, createdAt: true } });
      if (existing) throw alreadyReturned(input.lead_id, existing);
    }
    throw error;
  }
}

function overrideWords(overrides: ReturnOverrides): string {
  const words = [
    ...(overrides.window ? [`past the return window (${overrides.window})`] : []),
    ...(overrides.cap ? [`past the order's return cap (${overrides.cap})`] : []),
  ];
  return words.length > 0 ? `, ${words.join(" and ")}` : "";
}

function alreadyReturned(leadId: string, existing: { id: string; status: string; createdAt: Date }) {
  return new DisputeRefusedError(
    "return_exists",
    409,
    `Lead ${leadId} already has a return (${existing.id}, ${existing.status.toLowerCase()}, asked ${existing.createdAt.toISOString()}): a lead is returned once`,
    undefined,
    existing.id,
  );
}

/** Serialises return requests on one order, so the cap is exact under concurrent requests. */
async function lockOrderReturns(tx: Tx, orderId: string): Promise<void> {
  const key = createHash("sha256").update(`order-returns:${orderId}`).digest().readBigInt64BE(0);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${key})`;
}

export interface ApprovalContext {
  actorId: string | null;
  resolvedBy: "EVIDENCE" | "RESPONDENT" | "DEADLINE" | "ADMIN";
  reason: string;
  atPlatformCost: boolean;
  now: Date;
}

/**
 * Approves a return and moves the money in the same transaction: the sale is reversed (the
 * buyer's wallet credited, the platform fee and the affiliate's earning reversed; a released
 * earning becomes a clawback), or, at the platform's cost, the buyer is credited and the
 * affiliate keeps its earning. The lead's person goes on the buyer's suppression list (never
 * sold to it again), the affiliate's `returned` postback fires, both sides are told.
 * The caller has moved the dispute out of its previous status with a conditional update.
 */
export async function approveLeadReturn(tx: Tx, dispute: Dispute, ctx: ApprovalContext): Promise<Dispute> {
  const sale = await tx.leadSale.findUniqueOrThrow({
    where: { id: dispute.saleId },
    include: { lead: { select: { id: true, externalId: true, affiliateId: true, phoneHash: true, emailHash: true } } },
  });
  const label = RETURN_REASON_LABELS[dispute.reasonCode as ReturnReasonCode] ?? dispute.reasonCode;
  let journalEntryId: string;
  let moneyWords: string;
  if (ctx.atPlatformCost) {
    const earned = sale.priceCents - sale.feeCents;
    ({ entryId: journalEntryId } = await postJournalEntry(tx, {
      idempotencyKey: `lead-return-platform-cost:${sale.id}`,
      kind: "LEAD_RETURN_PLATFORM_COST",
      description: `Lead ${sale.leadId} returned at the platform's cost: ${ctx.reason}`,
      postings: [
        { account: ledgerAccounts.advertiserWallet(sale.advertiserId, sale.currency), amountCents: -BigInt(sale.priceCents) },
        { account: ledgerAccounts.platformFees(sale.currency), amountCents: BigInt(sale.feeCents) },
        { account: ledgerAccounts.platformReturnCosts(sale.currency), amountCents: BigInt(earned) },
      ].filter((p) => p.amountCents !== 0n),
    }));
    moneyWords = `${formatMoney(sale.priceCents, sale.currency)} back to the buyer at the platform's cost; the seller keeps its earning`;
  } else {
    const reversal = await reverseLeadSale(tx, sale.id, `returned: ${label}`);
    journalEntryId = reversal.entryId;
    moneyWords = `${formatMoney(sale.priceCents, sale.currency)} back to the buyer; the seller's earning is ${reversal.clawback ? "clawed back from later earnings" : "voided"}`;
  }
  const approved = await tx.dispute.update({
    where: { id: dispute.id },
    data: { ...approvedColumns(ctx), atPlatformCost: ctx.atPlatformCost, journalEntryId },
  });

  const unreturned = await tx.leadSale.count({
    where: { leadId: sale.leadId, id: { not: sale.id }, disputes: { none: { kind: "LEAD_RETURN", status: "APPROVED" } } },
  });
  if (unreturned === 0) await tx.lead.update({ where: { id: sale.leadId }, data: { status: "RETURNED" } });
  const scope = advertiserScope(sale.advertiserId);
  const hashes = [
    ...(sale.lead.phoneHash ? [{ scope, advertiserId: sale.advertiserId, kind: "PHONE" as const, hash: sale.lead.phoneHash }] : []),
    ...(sale.lead.emailHash ? [{ scope, advertiserId: sale.advertiserId, kind: "EMAIL" as const, hash: sale.lead.emailHash }] : []),
  ];
  if (hashes.length > 0) await tx.suppressionEntry.createMany({ data: hashes, skipDuplicates: true });
  await queueAffiliatePostback(tx, sale.leadId, "returned", undefined, { reason: dispute.reasonCode, key: sale.id });
  await recordCompanyNotice(tx, sale.lead.affiliateId, {
    kind: "LEAD_RETURNED",
    data: {
      leadId: sale.leadId,
      externalId: sale.lead.externalId,
      disputeId: dispute.id,
      reason: label,
      amountCents: ctx.atPlatformCost ? 0 : sale.priceCents - sale.feeCents,
      currency: sale.currency,
    },
  });

  const how = approvalWords(ctx, "seller");
  await recordDisputeStep(tx, dispute, approvalStep(ctx), {
    actorId: ctx.actorId,
    message: `Return approved (${label}). ${how}. ${moneyWords}; the person is on the buyer's suppression list`,
    data: { journalEntryId, atPlatformCost: ctx.atPlatformCost },
    tell: {
      advertiser: `Your return of lead ${sale.leadId} (${label}) is approved. ${how}. ${formatMoney(sale.priceCents, sale.currency)} is back in your wallet.`,
      ...(ctx.resolvedBy === "RESPONDENT"
        ? {}
        : {
            affiliate: `The return of your lead ${sale.lead.externalId} (${label}) is approved. ${how}. ${ctx.atPlatformCost ? "You keep your earning: the platform pays for this return." : "Its earning is reversed."}`,
          }),
    },
  });
  await refreshReturnRates(tx, [sale.advertiserId, sale.lead.affiliateId], ctx.now);
  return approved;
}
