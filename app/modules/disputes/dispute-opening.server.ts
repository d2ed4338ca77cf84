import { getEnv } from "~/utils/env.server";
import type { DisputeStep } from "./dispute-steps.server";
import type { ApprovalContext } from "./lead-returns.server";

// Small pieces the conversion inquiries and conversion disputes share with each other.

const HOUR_MS = 3_600_000;

/** When the other side's answer is due for a dispute opened at `now`. */
export function responseDeadline(now: Date): Date {
  return new Date(now.getTime() + getEnv().DISPUTE_RESPONSE_HOURS * HOUR_MS);
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

export const DAY_MS = 86_400_000;
export const day = (date: Date) => date.toISOString().slice(0, 10);
