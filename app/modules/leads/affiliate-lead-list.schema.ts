import { z } from "zod";
import { conversionListFilterSchema } from "~/modules/conversions/conversion-list.schema";

// The affiliate's leads page: its filters, kept in the URL. An empty or unknown value shows every
// lead. Offer, days and cursor read as the conversion lists read them (from/to: received, UTC days).

import { LEAD_STATUS_NAMES } from "./lead-statuses";
export { LEAD_STATUS_NAMES };

export const affiliateLeadFilterSchema = conversionListFilterSchema.pick({ offerId: true, from: true, to: true, cursor: true }).extend({
  /** Your lead id (exact or its beginning) or the lead's email (exact). */
  q: z.string().trim().max(200).optional().catch(undefined),
  status: z.enum(LEAD_STATUS_NAMES).optional().catch(undefined),
});
export type AffiliateLeadFilter = z.infer<typeof affiliateLeadFilterSchema>;
