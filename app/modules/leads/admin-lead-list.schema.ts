import { z } from "zod";
import { keysetCursorParam } from "~/utils/keyset-cursor";

// The admin's lead list: search and filters in the URL. An unknown or empty value shows every lead
// rather than an error.

import { LEAD_STATUSES } from "./lead-statuses";
export { LEAD_STATUSES };
const rowId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => !Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()));

export const adminLeadFilterSchema = z.object({
  /** A lead id, the affiliate's lead id, or an email address. */
  q: z.string().trim().max(320).optional().catch(undefined),
  status: z.enum(LEAD_STATUSES).optional().catch(undefined),
  offerId: rowId.optional().catch(undefined),
  affiliateId: rowId.optional().catch(undefined),
  /** Received on or after this day (UTC). */
  from: day.optional().catch(undefined),
  /** Received on or before this day (UTC). */
  to: day.optional().catch(undefined),
  cursor: keysetCursorParam.optional().catch(undefined),
});
export type AdminLeadFilter = z.infer<typeof adminLeadFilterSchema>;
