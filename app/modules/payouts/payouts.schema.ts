import { z } from "zod";

/** The admin payouts page's buttons: run payouts now, hold or release one affiliate. */
export const payoutAdminActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("run") }),
  z.object({ intent: z.literal("hold"), affiliateId: z.string().min(1), reason: z.string().max(500).default("") }),
  z.object({ intent: z.literal("release"), affiliateId: z.string().min(1) }),
]);
