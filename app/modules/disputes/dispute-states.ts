import type { DisputeKindValue, DisputeStatusValue } from "./disputes.schema";

// The dispute state machine as data: who opens each kind, who answers, what the answers and the
// response deadline do. docs/architecture.md renders the same table; code reads it from here.

export type Party = "ADVERTISER" | "AFFILIATE";

export interface DisputeFlow {
  opener: Party;
  respondent: Party;
  /** The respondent's answer that approves, and the one that sends it to an admin. */
  agree: "accept" | "confirm";
  disagree: "contest" | "decline";
  /** What the response deadline does when nobody answered. */
  onDeadline: "APPROVED" | "IN_REVIEW";
}

export const DISPUTE_FLOWS: Record<DisputeKindValue, DisputeFlow> = {
  LEAD_RETURN: { opener: "ADVERTISER", respondent: "AFFILIATE", agree: "accept", disagree: "contest", onDeadline: "APPROVED" },
  CONVERSION_DISPUTE: { opener: "ADVERTISER", respondent: "AFFILIATE", agree: "accept", disagree: "contest", onDeadline: "APPROVED" },
  CONVERSION_INQUIRY: { opener: "AFFILIATE", respondent: "ADVERTISER", agree: "confirm", disagree: "decline", onDeadline: "IN_REVIEW" },
};

/** Every allowed move: from → to, and what makes it. */
export const DISPUTE_TRANSITIONS: ReadonlyArray<{ from: DisputeStatusValue | "(new)"; to: DisputeStatusValue; by: string }> = [
  { from: "(new)", to: "APPROVED", by: "the platform's own evidence proves the claim (returns)" },
  { from: "(new)", to: "AWAITING_RESPONSE", by: "the opener asks; the other side has until the response deadline" },
  { from: "AWAITING_RESPONSE", to: "APPROVED", by: "the other side accepts or confirms; or a return's or conversion dispute's deadline passes" },
  { from: "AWAITING_RESPONSE", to: "IN_REVIEW", by: "the other side contests or declines; or an inquiry's deadline passes" },
  { from: "AWAITING_RESPONSE", to: "WITHDRAWN", by: "the opener withdraws it" },
  { from: "IN_REVIEW", to: "APPROVED", by: "an admin approves it, with a reason (returns: optionally at the platform's cost)" },
  { from: "IN_REVIEW", to: "DENIED", by: "an admin denies it, with a reason" },
  { from: "IN_REVIEW", to: "WITHDRAWN", by: "the opener withdraws it" },
];

export const OPEN_STATUSES: readonly DisputeStatusValue[] = ["AWAITING_RESPONSE", "IN_REVIEW"];
export const isOpenStatus = (status: DisputeStatusValue) => OPEN_STATUSES.includes(status);
