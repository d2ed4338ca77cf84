import { z } from "zod";
import { keysetCursorParam } from "~/utils/keyset-cursor";
import { PAYOUT_STATUSES } from "./payouts.constants";
export * from "./payouts.constants";

/** The admin payouts page's buttons: run payouts now, hold or release one affiliate. */
export const payoutAdminActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("run") }),
  z.object({ intent: z.literal("hold"), affiliateId: z.string().min(1), reason: z.string().max(500).default("") }),
  z.object({ intent: z.literal("release"), affiliateId: z.string().min(1) }),
]);

/** The admin payouts list's filters in the URL (an unknown value shows every payout). */
export const adminPayoutFilterSchema = z.object({
  /** Part of the affiliate's name: narrows the affiliates and their payouts. */
  q: z.string().trim().max(100).optional().catch(undefined),
  status: z.enum(PAYOUT_STATUSES).optional().catch(undefined),
  cursor: keysetCursorParam.optional().catch(undefined),
});
export type AdminPayoutFilter = z.infer<typeof adminPayoutFilterSchema>;

/** The affiliate's Payouts page: back from Stripe's onboarding, and which page of its payouts. */
export const ownPayoutsQuerySchema = z.object({
  onboarding: z.literal("return").optional().catch(undefined),
  cursor: keysetCursorParam.optional().catch(undefined),
});
export type OwnPayoutsQuery = z.infer<typeof ownPayoutsQuerySchema>;
