import { z } from "zod";

// The affiliate's leads page: its filters, kept in the URL. An empty or unknown value shows every lead.

export const LEAD_STATUS_NAMES = ["RECEIVED", "ACCEPTED", "REJECTED", "HELD", "SOLD", "UNSOLD", "RETURNED"] as const;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => !Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()));

export const affiliateLeadFilterSchema = z.object({
  /** Your lead id (exact or its beginning) or the lead's email (exact). */
  q: z.string().trim().max(200).optional().catch(undefined),
  status: z.enum(LEAD_STATUS_NAMES).optional().catch(undefined),
  offerId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional()
    .catch(undefined),
  /** Received on or after this day (UTC). */
  from: day.optional().catch(undefined),
  /** Received on or before this day (UTC). */
  to: day.optional().catch(undefined),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/)
    .optional()
    .catch(undefined),
});
export type AffiliateLeadFilter = z.infer<typeof affiliateLeadFilterSchema>;
