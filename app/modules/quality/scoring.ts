import type { CheckResult, LeadConsent, LeadScore, LeadSignals } from "./quality.schema";

/** Everything the score is computed from: normalised fields, activity, consent and the checks' findings. */
export interface ScoreInput {
  fields: Record<string, string>;
  signals: LeadSignals;
  consent: LeadConsent | null;
  checks: CheckResult[];
}

/**
 * Quality score 0-100 with the weighted reasons that made it, and a temperature.
 * Pure: the same input always gives the same score.
 */
export function scoreLead(_input: ScoreInput): LeadScore {
  // Replaced by the scoring model (issue 3, scoring helper); neutral until then.
  return { score: 50, reasons: [{ code: "base", points: 50, detail: "Base score" }], temperature: "WARM" };
}
