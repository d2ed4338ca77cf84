export const MAX_CONVERSION_RULES = 50;
export const MAX_HOLD_HOURS = 720;
export const MAX_RULE_NAME_LENGTH = 80;
export const MAX_REJECT_REASON_LENGTH = 200;

export const CONVERSION_RULE_ACTIONS = ["approve", "reject", "hold"] as const;
export type ConversionRuleActionType = (typeof CONVERSION_RULE_ACTIONS)[number];
