import { getEnv } from "~/utils/env.server";
import type { DisputeStep } from "./dispute-steps.server";
import type { ApprovalContext } from "./lead-returns.server";

// Small pieces every kind of dispute shares: deadlines, the approval's columns, step and words.

const HOUR_MS = 3_600_000;

/** When the other side's answer is due for a dispute opened at `now`. */
export function responseDeadline(now: Date): Date {
  return new Date(now.getTime() + getEnv().DISPUTE_RESPONSE_HOURS * HOUR_MS);
}

/** Who a dispute about a sold lead is between, and on what (its lead, sale, order and offer). */
export function partiesOfSale(lead: { id: string; offerId: string; affiliateId: string }, sale: { id: string; orderId: string; advertiserId: string }) {
  return { leadId: lead.id, saleId: sale.id, orderId: sale.orderId, offerId: lead.offerId, advertiserId: sale.advertiserId, affiliateId: lead.affiliateId };
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

/** The step an approval records, by who approved it. */
export function approvalStep(ctx: ApprovalContext): DisputeStep {
  if (ctx.resolvedBy === "EVIDENCE") return "approved_by_evidence";
  if (ctx.resolvedBy === "DEADLINE") return "deadline_approved";
  if (ctx.resolvedBy === "RESPONDENT") return "accepted";
  return "approved";
}

/** The dispute's columns an approval sets. */
export function approvedColumns(ctx: ApprovalContext) {
  return {
    status: "APPROVED" as const,
    resolvedBy: ctx.resolvedBy,
    decidedAt: ctx.now,
    decidedById: ctx.resolvedBy === "ADMIN" ? ctx.actorId : null,
    decisionReason: ctx.reason,
    responseDueAt: null,
  };
}

/** How an approval came about, in the words both sides read ("The seller accepted it"). */
export function approvalWords(ctx: ApprovalContext, respondent: "seller" | "buyer"): string {
  const reason = ctx.reason.replace(/[.\s]+$/, "");
  switch (ctx.resolvedBy) {
    case "EVIDENCE":
      return `Approved by the platform's evidence: ${reason}`;
    case "RESPONDENT":
      return `The ${respondent} ${respondent === "buyer" ? "confirmed" : "accepted"} it`;
    case "DEADLINE":
      return `The ${respondent} did not answer before the deadline`;
    case "ADMIN":
      return `Approved by an admin: ${reason}`;
  }
}

export const DAY_MS = 86_400_000;
export const day = (date: Date) => date.toISOString().slice(0, 10);
