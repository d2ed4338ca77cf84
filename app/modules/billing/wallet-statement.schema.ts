import { z } from "zod";
import { STATEMENT_KINDS } from "./wallet-statement.constants";
export * from "./wallet-statement.constants";

// The advertiser's wallet statement: what its lines are, in words, and its filters (kept in the URL).

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => {
    const at = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.getUTCFullYear() >= 1970 && at.getUTCFullYear() <= 9999;
  });

/** The page's filters: an empty or unknown value shows every line rather than an error. */
export const statementFilterSchema = z.object({
  kind: z.enum(STATEMENT_KINDS).optional().catch(undefined),
  /** On or after this day (UTC). */
  from: day.optional().catch(undefined),
  /** On or before this day (UTC). */
  to: day.optional().catch(undefined),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/)
    .optional()
    .catch(undefined),
});
export type StatementFilter = z.infer<typeof statementFilterSchema>;
