import { z } from "zod";
import { isStorableDate } from "~/modules/deliveries/deliveries.schema";
import { DISPUTE_STATUSES } from "./disputes.schema";
import { RETURN_CSV_COLUMNS } from "./return-list.constants";
export * from "./return-list.constants";

// The advertiser's returns list: its filters (portal: kept in the URL; API: the query string), the
// most returns one request may ask, and the CSV an advertiser uploads to return many leads.

export const RETURN_CSV_TEMPLATE =
  [
    RETURN_CSV_COLUMNS.join(","),
    "LEADEX_LEAD_ID,invalid_phone,Number disconnected on three calls,https://crm.example.com/calls/123",
    "LEADEX_LEAD_ID,duplicate,,",
  ].join("\r\n") + "\r\n";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => !Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()));
const rowId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const cursor = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/);

/** The portal's filters: an empty or unknown value shows every return rather than an error. */
export const returnListFilterSchema = z.object({
  status: z.enum(DISPUTE_STATUSES).optional().catch(undefined),
  offerId: rowId.optional().catch(undefined),
  /** Asked on or after this day (UTC). */
  from: day.optional().catch(undefined),
  /** Asked on or before this day (UTC). */
  to: day.optional().catch(undefined),
  cursor: cursor.optional().catch(undefined),
});
export type ReturnListFilter = z.infer<typeof returnListFilterSchema>;

/** GET /api/v1/returns: unlike the portal, a bad parameter is a 422 naming it. */
export const returnApiQuerySchema = z.object({
  status: z
    .string()
    .transform((v) => v.toUpperCase())
    .pipe(z.enum(DISPUTE_STATUSES, { message: `Use one of ${DISPUTE_STATUSES.map((s) => s.toLowerCase()).join(", ")}` }))
    .optional(),
  lead_id: z.string().trim().min(1).max(100).optional(),
  since: z
    .string()
    .refine((v) => !Number.isNaN(new Date(v).getTime()), "Use an ISO 8601 time, e.g. 2026-11-01T00:00:00Z")
    .refine((v) => isStorableDate(new Date(v)), "Use a date between the years 1970 and 9999")
    .transform((v) => new Date(v))
    .optional(),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, "Unknown cursor: use the next_cursor of a previous page")
    .optional(),
  limit: z.coerce.number().int().min(1, "At least 1").max(200, "At most 200").default(50),
});
export type ReturnApiQuery = z.infer<typeof returnApiQuerySchema>;

/** Every code a refused return answers with (besides invalid_fields, forbidden, not_found), and its HTTP status. */
export const RETURN_REFUSALS = {
  reason_not_returnable: 422,
  unknown_lead: 404,
  not_returnable_pricing: 409,
  return_exists: 409,
  return_window_closed: 422,
  return_cap_reached: 422,
} as const;
export type ReturnRefusalCode = keyof typeof RETURN_REFUSALS;

/** One return's result in a bulk request, a selection or a CSV upload. */
export interface ReturnAttempt {
  /** The item's place: its index in the API list, or its row in the CSV (the header is row 1). */
  index: number;
  leadId: string;
  result: "created" | "refused";
  /** The refusal's code (return_exists, return_window_closed ...), or the outcome when created. */
  code: string;
  message: string;
  returnId: string | null;
}
