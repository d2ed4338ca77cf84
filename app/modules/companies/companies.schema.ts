import { z } from "zod";
import { keysetCursorParam } from "~/utils/keyset-cursor";
import { COMPANY_KINDS, COMPANY_STATES } from "./companies.constants";
export * from "./companies.constants";

// The admin's companies list and the actions on one company. An unknown filter value shows every
// company rather than an error; an action's bad input names its field.

export const companyListFilterSchema = z.object({
  /** Part of the company's name or of a member's email. */
  q: z.string().trim().max(100).optional().catch(undefined),
  kind: z.enum(COMPANY_KINDS).optional().catch(undefined),
  state: z.enum(COMPANY_STATES).optional().catch(undefined),
  cursor: keysetCursorParam.optional().catch(undefined),
});
export type CompanyListFilter = z.infer<typeof companyListFilterSchema>;

const reason = (what: string) => z.string().trim().min(3, `Say why the ${what}, in a few words`).max(500, "At most 500 characters");

export const companyActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("suspend"), reason: reason("company is suspended") }),
  z.object({ intent: z.literal("reinstate") }),
  z.object({ intent: z.literal("hold-payouts"), reason: reason("payouts are held") }),
  z.object({ intent: z.literal("release-payouts") }),
  z.object({ intent: z.literal("note"), body: z.string().trim().min(1, "Write the note").max(2000, "A note is at most 2,000 characters") }),
]);
export type CompanyAction = z.infer<typeof companyActionSchema>;
