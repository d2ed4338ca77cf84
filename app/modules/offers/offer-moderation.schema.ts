import { z } from "zod";
import { keysetCursorParam } from "~/utils/keyset-cursor";
import { OFFER_LISTINGS, OFFER_STATUSES } from "./offer-moderation.constants";
export * from "./offer-moderation.constants";

// The admin's offers list (filters in the URL; an unknown value shows every offer) and the
// moderation actions on one offer (bad input names its field).

export const offerModerationFilterSchema = z.object({
  /** Part of the title, or the offer's id. */
  q: z.string().trim().max(100).optional().catch(undefined),
  status: z.enum(OFFER_STATUSES).optional().catch(undefined),
  affiliateId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional()
    .catch(undefined),
  listing: z.enum(OFFER_LISTINGS).optional().catch(undefined),
  /** "1": only offers the flags (offer-flags.ts) would mark. */
  flagged: z.literal("1").optional().catch(undefined),
  cursor: keysetCursorParam.optional().catch(undefined),
});
export type OfferModerationFilter = z.infer<typeof offerModerationFilterSchema>;

const reason = z.string().trim().min(3, "Say why, in a few words the affiliate will read").max(500, "At most 500 characters");

export const offerModerationActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("unlist"), reason }),
  z.object({ intent: z.literal("pause"), reason }),
  z.object({ intent: z.literal("relist") }),
]);
export type OfferModerationAction = z.infer<typeof offerModerationActionSchema>;
