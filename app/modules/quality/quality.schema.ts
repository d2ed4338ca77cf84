import { z } from "zod";
import { TemperatureValue } from "./quality.constants";
export * from "./quality.constants";

// Shared words of the quality area: the offer's rules, what a check reports, what a score is.
// Usable on both sides (offer form, admin review page, verification, scoring).

/**
 * An offer's verification and scoring rules (Offer.qualityRules). Every key has a default, so
 * `offerQualityRules(offer.qualityRules)` always gives a complete rule set.
 */
const qualityRulesObject = z.object({
  /** Same person (hashed email/phone) on this offer inside this many days is a duplicate; 0 = off. */
  duplicateWindowDays: z.coerce.number().int().min(0).max(365).default(30),
  /** Same person on any other offer inside this many days is a duplicate; 0 = off. */
  crossOfferDuplicateWindowDays: z.coerce.number().int().min(0).max(365).default(0),
  /** Leads this affiliate may send on this offer per hour; 0 = no limit. */
  maxLeadsPerAffiliatePerHour: z.coerce.number().int().min(0).max(1_000_000).default(0),
  /** Leads from one consumer IP address on this offer per day; 0 = no limit. */
  maxLeadsPerIpPerDay: z.coerce.number().int().min(0).max(100_000).default(0),
  /** A form filled faster than this many seconds is a bot or a fake; 0 = off. */
  minFormFillSeconds: z.coerce.number().int().min(0).max(3600).default(0),
  /** Reject leads without consent text and timestamp (and a certificate URL when asked). */
  requireConsent: z.boolean().default(false),
  requireConsentCertificate: z.boolean().default(false),
  rejectDisposableEmail: z.boolean().default(true),
  rejectRoleEmail: z.boolean().default(false),
  /** Phone line types accepted (libphonenumber-js getType()); empty = any valid number. */
  allowedPhoneTypes: z.array(z.string()).default([]),
  /** Score thresholds: >= acceptScore accepted, < rejectScore rejected, in between held for review. */
  acceptScore: z.coerce.number().int().min(0).max(100).default(40),
  rejectScore: z.coerce.number().int().min(0).max(100).default(0),
});

/** The rules as an affiliate sets them: a reject threshold above the accept one would leave no score to hold for review. */
export const offerQualityRulesSchema = qualityRulesObject.refine((rules) => rules.rejectScore <= rules.acceptScore, {
  message: "Must be at most the accept score (leads scoring in between are held for review)",
  path: ["rejectScore"],
});
export type OfferQualityRules = z.infer<typeof offerQualityRulesSchema>;

/**
 * An offer's stored rules. Read without the threshold refinement, so an offer saved before it
 * keeps taking leads (it rejects below its reject score, as it did).
 */
export function offerQualityRules(json: unknown): OfferQualityRules {
  return qualityRulesObject.parse(json ?? {});
}

/** What one verification check found. `fail` rejects the lead, `hold` sends it to admin review. */
export type CheckOutcome = "pass" | "fail" | "hold" | "skip";
export interface CheckResult {
  /** The check's name, e.g. "email", "duplicate_same_offer". */
  code: string;
  outcome: CheckOutcome;
  /** The reason code when the outcome is fail or hold, e.g. "disposable_email". */
  reason?: string;
  /** One readable sentence for the timeline and the admin page. */
  detail: string;
  /** What the check found, for the code that reads it (the score); the detail is for people. */
  data?: CheckData;
}
export interface CheckData {
  /** phone_type: the number's line type (libphonenumber-js getType(), or UNKNOWN). */
  lineType?: string;
}
export const checkResultSchema = z.object({
  code: z.string(),
  outcome: z.enum(["pass", "fail", "hold", "skip"]),
  reason: z.string().optional(),
  detail: z.string(),
  data: z.object({ lineType: z.string().optional() }).optional(),
});
export const checkResultsSchema = z.array(checkResultSchema);

/** One weighted reason inside a quality score. */
export interface ScoreReason {
  code: string;
  points: number;
  detail: string;
}
export const scoreReasonsSchema = z.array(z.object({ code: z.string(), points: z.number(), detail: z.string() }));

export interface LeadScore {
  /** 0-100. */
  score: number;
  reasons: ScoreReason[];
  temperature: TemperatureValue;
}

/** The decision thresholds give for a score. */
export type ScoreDecision = "accept" | "hold" | "reject";
export function decideByScore(score: number, rules: Pick<OfferQualityRules, "acceptScore" | "rejectScore">): ScoreDecision {
  if (score < rules.rejectScore) return "reject";
  if (score >= rules.acceptScore) return "accept";
  return "hold";
}

/** Activity signals posted with a lead (leads.schema.ts maps the postback keys onto these). */
export interface LeadSignals {
  timeOnFormSeconds?: number;
  pagesViewed?: number;
}
export const leadSignalsSchema = z.object({
  timeOnFormSeconds: z.number().nonnegative().optional(),
  pagesViewed: z.number().int().nonnegative().optional(),
});

/** Consent as posted with a lead. */
export interface LeadConsent {
  text?: string;
  at?: string;
  certUrl?: string;
}
export const leadConsentSchema = z.object({
  text: z.string().optional(),
  at: z.string().optional(),
  certUrl: z.string().optional(),
});
