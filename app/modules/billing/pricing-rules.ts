import type { PricingModel } from "~/generated/prisma/enums";

// When each pricing model charges the buyer. Selling (assigning a lead to an order) is the same
// for every model; billing follows the rule: CPL charges as the lead is assigned, CPA and CPS
// charge per conversion the advertiser reports (modules/conversions, when it lands).

export interface PricingRule {
  /** Whether assigning a lead to an order charges the buyer at once. */
  chargesOnAssignment: boolean;
  /** What the buyer pays for, in words for the UI and the timeline. */
  billedPer: "lead" | "action" | "sale";
}

export const PRICING_RULES: Record<PricingModel, PricingRule> = {
  CPL: { chargesOnAssignment: true, billedPer: "lead" },
  CPA: { chargesOnAssignment: false, billedPer: "action" },
  CPS: { chargesOnAssignment: false, billedPer: "sale" },
};
