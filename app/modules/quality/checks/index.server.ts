import type { CheckResult } from "../quality.schema";
import { disposableEmailCheck, fieldsCheck, geoCheck, phoneTypeCheck, postalStateCheck, roleEmailCheck } from "./contact-checks";
import { affiliateVelocityCheck, duplicateCrossOfferCheck, duplicateSameOfferCheck, ipVelocityCheck, platformSuppressionCheck } from "./history-checks.server";
import type { LeadCheck, LeadCheckContext } from "./lead-check";
import { consentCertificateCheck, consentCheck, formFillTimeCheck } from "./signal-checks";

/**
 * Every verification check, in the order they run and show on the timeline. To add a check (a
 * paid data lookup, say), write one module exporting a `LeadCheck` and add it here: the pipeline
 * records its result, and a fail or hold reason rejects or holds the lead like the others.
 */
export const LEAD_CHECKS: readonly LeadCheck[] = [
  fieldsCheck,
  disposableEmailCheck,
  roleEmailCheck,
  phoneTypeCheck,
  geoCheck,
  postalStateCheck,
  duplicateSameOfferCheck,
  duplicateCrossOfferCheck,
  affiliateVelocityCheck,
  ipVelocityCheck,
  formFillTimeCheck,
  consentCheck,
  consentCertificateCheck,
  platformSuppressionCheck,
];

/** Runs every check (one after the other: they share the transaction) and returns all results. */
export async function runLeadChecks(ctx: LeadCheckContext, checks: readonly LeadCheck[] = LEAD_CHECKS): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) results.push(await check.run(ctx));
  return results;
}

export type { LeadCheck, LeadCheckContext, LeadContact } from "./lead-check";
