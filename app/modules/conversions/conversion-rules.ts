// Advertiser rules on incoming conversions: first match wins (approve, reject with a reason, or
// hold for N hours). The rule language and editor are being built; see docs/api.md.

export interface ConversionFacts {
  event: string | null;
  saleAmountCents: number | null;
  /** The lead's sub-ids s1..s5. */
  subIds: Record<string, string>;
  /** The advertiser's own fields adv1..adv5 as reported. */
  adv: Record<string, string>;
}

export type ConversionRuleDecision =
  { action: "approve"; rule: string } | { action: "reject"; rule: string; reason: string } | { action: "hold"; rule: string; hours: number };

/** The first rule that matches the conversion, or null (the conversion stays pending). */
export function decideByRules(rules: unknown, facts: ConversionFacts): ConversionRuleDecision | null {
  void rules;
  void facts;
  return null;
}
