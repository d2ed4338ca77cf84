import { z } from "zod";
import { DISPUTE_KINDS, DISPUTE_STATUSES, RETURN_REASON_CODES } from "./disputes.schema";

// The admin dispute queue's filters as they sit in the URL (/admin/disputes?status=…&kind=…), shared
// by the page, its CSV export and the queries. A value that is not one (a stale link, a typo) is
// dropped rather than refused: the queue shows more, never an error.

export const DISPUTE_QUEUE_PAGE_SIZE = 50;
/** The most rows one CSV export of decisions holds. */
export const DISPUTE_CSV_MAX_ROWS = 10_000;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
  .optional()
  .catch(undefined);
const id = z.string().trim().min(1).max(100).optional().catch(undefined);

export const disputeQueueQuerySchema = z.object({
  /** "any" shows every status; with no status the queue shows what waits for an admin. */
  status: z
    .enum([...DISPUTE_STATUSES, "any"])
    .optional()
    .catch(undefined)
    .transform((v) => v ?? "IN_REVIEW"),
  kind: z.enum(DISPUTE_KINDS).optional().catch(undefined),
  offer: id,
  buyer: id,
  seller: id,
  /** Opened on or after this day (UTC). */
  from: day,
  /** Opened on or before this day (UTC), the whole day. */
  to: day,
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .catch(undefined)
    .transform((v) => v ?? 1),
});
export type DisputeQueueQuery = z.infer<typeof disputeQueueQuerySchema>;

export const parseDisputeQueueQuery = (params: URLSearchParams): DisputeQueueQuery => disputeQueueQuerySchema.parse(Object.fromEntries(params));

const optionalReason = z
  .string()
  .trim()
  .max(500, "At most 500 characters")
  .optional()
  .transform((v) => (v === "" ? undefined : v));

/** An admin returns a lead on one buyer's behalf (the lead page's form): which sale, why, and what it overrides and why. */
export const adminReturnFormSchema = z.object({
  saleId: z.string().trim().min(1, "Choose the sale to return").max(100),
  reason: z.enum(RETURN_REASON_CODES, { message: "Choose a reason" }),
  note: z
    .string()
    .trim()
    .max(2000, "At most 2000 characters")
    .optional()
    .transform((v) => (v === "" ? undefined : v)),
  override_window: optionalReason,
  override_cap: optionalReason,
});
export type AdminReturnForm = z.infer<typeof adminReturnFormSchema>;
