import { z } from "zod";
import { keysetCursorParam } from "~/utils/keyset-cursor";
import { checkResultsSchema, scoreReasonsSchema, type CheckResult, type ScoreReason } from "./quality.schema";

// The admin review of a held lead: the decision form, and reading a lead's stored checks and score reasons.

export const REVIEW_DECISIONS = ["approve", "reject"] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export const reviewDecisionSchema = z
  .object({
    decision: z.enum(REVIEW_DECISIONS, { message: "Choose approve or reject" }),
    reason: z.string().trim().max(500, "A reason is at most 500 characters").default(""),
  })
  .superRefine((form, ctx) => {
    if (form.reason === "") {
      ctx.addIssue({ code: "custom", path: ["reason"], message: `Give a reason to ${form.decision} this lead` });
    }
  });
export type ReviewDecisionInput = z.infer<typeof reviewDecisionSchema>;

/** A lead's stored checks (Lead.checks); anything unreadable shows as no checks rather than an error. */
export function readCheckResults(json: unknown): CheckResult[] {
  const parsed = checkResultsSchema.safeParse(json ?? []);
  return parsed.success ? parsed.data : [];
}

/** A lead's stored score reasons (Lead.scoreReasons). */
export function readScoreReasons(json: unknown): ScoreReason[] {
  const parsed = scoreReasonsSchema.safeParse(json ?? []);
  return parsed.success ? parsed.data : [];
}

// The review queue's URL: the offer it is narrowed to and its page; after a decision the lead page
// redirects here with what was decided, to confirm it. An unknown value is ignored.
export const reviewQueueQuerySchema = z.object({
  offerId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional()
    .catch(undefined),
  cursor: keysetCursorParam.optional().catch(undefined),
  decided: z.string().max(40).optional().catch(undefined),
  outcome: z.enum(["sold", "unsold", "rejected"]).optional().catch(undefined),
});
export type ReviewQueueQuery = z.infer<typeof reviewQueueQuerySchema>;

/** Resell from the queue: the admin releases a held lead to routing (an approval), saying why. */
export const resellSchema = z.object({
  leadId: z.string().trim().min(1, "Choose a held lead"),
  reason: z.string().trim().min(3, "Say why the lead may be sold, in a few words").max(500, "At most 500 characters"),
});
