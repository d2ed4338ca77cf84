import { z } from "zod";
import { keysetCursorParam } from "~/utils/keyset-cursor";

// The audit log viewer's filters, all in the URL; an unreadable one is left out rather than an error.

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => !Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()));

export const auditLogFilterSchema = z.object({
  /** Part of the acting user's email or name, or their id. */
  actor: z.string().trim().max(200).optional().catch(undefined),
  /** An action or the start of one: "company." lists every company action. */
  action: z.string().trim().max(100).optional().catch(undefined),
  targetType: z.string().trim().max(60).optional().catch(undefined),
  targetId: z.string().trim().max(200).optional().catch(undefined),
  /** On or after this day (UTC). */
  from: day.optional().catch(undefined),
  /** On or before this day (UTC). */
  to: day.optional().catch(undefined),
  cursor: keysetCursorParam.optional().catch(undefined),
});
export type AuditLogFilter = z.infer<typeof auditLogFilterSchema>;
