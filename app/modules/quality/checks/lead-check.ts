import type { Lead, Offer } from "~/generated/prisma/client";
import type { OfferField } from "~/modules/offers/offers.schema";
import type { Tx } from "~/utils/db.server";
import type { LeadFieldValues } from "../lead-fields";
import type { CheckData, CheckResult, LeadConsent, LeadSignals, OfferQualityRules } from "../quality.schema";

/** Contact and geo values picked from the normalised fields by the offer's field types. */
export interface LeadContact {
  email: string | null;
  phone: string | null;
  state: string | null;
  postalCode: string | null;
}

/** What every check may look at. Read-only: checks report, the pipeline decides. */
export interface LeadCheckContext {
  tx: Tx;
  lead: Pick<Lead, "id" | "affiliateId" | "offerId" | "ipAddress" | "receivedAt">;
  offer: Offer;
  rules: OfferQualityRules;
  spec: OfferField[];
  /** Normalised fields, or null when they fail the offer's spec (checks that need them skip). */
  fields: LeadFieldValues | null;
  fieldErrors: Record<string, string>;
  contact: LeadContact | null;
  emailHash: string | null;
  phoneHash: string | null;
  consent: LeadConsent | null;
  signals: LeadSignals;
  now: Date;
}

/**
 * One verification check. `code` names the check (the timeline shows it); `run` returns a
 * CheckResult with a reason code when the outcome is fail or hold. Checks never throw for bad
 * data and never stop the others: every check runs, so the answer names every failing reason.
 */
export interface LeadCheck {
  code: string;
  run(ctx: LeadCheckContext): Promise<CheckResult> | CheckResult;
}

export const pass = (code: string, detail: string, data?: CheckData): CheckResult => ({ code, outcome: "pass", detail, ...(data ? { data } : {}) });
export const skip = (code: string, detail: string): CheckResult => ({ code, outcome: "skip", detail });
export const fail = (code: string, reason: string, detail: string, data?: CheckData): CheckResult => ({
  code,
  outcome: "fail",
  reason,
  detail,
  ...(data ? { data } : {}),
});
export const hold = (code: string, reason: string, detail: string): CheckResult => ({ code, outcome: "hold", reason, detail });

/** The context with normalised fields, or null: the shared guard of checks that need them. */
export function withValidFields(ctx: LeadCheckContext): (LeadCheckContext & { fields: LeadFieldValues; contact: LeadContact }) | null {
  return ctx.fields && ctx.contact ? (ctx as LeadCheckContext & { fields: LeadFieldValues; contact: LeadContact }) : null;
}
export const SKIPPED_INVALID_FIELDS = "Skipped: the fields are invalid";

/** The lead's email or phone for a check of it, or the skip that says why there is none to check. */
export function contactToCheck(ctx: LeadCheckContext, code: string, kind: "email" | "phone"): { value: string } | { skipped: CheckResult } {
  const valid = withValidFields(ctx);
  if (!valid) return { skipped: skip(code, SKIPPED_INVALID_FIELDS) };
  const value = valid.contact[kind];
  return value ? { value } : { skipped: skip(code, `No ${kind} on this lead`) };
}
