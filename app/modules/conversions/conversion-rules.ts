import { z } from "zod";
import { parseAmountToCents } from "~/utils/money";
import { evaluateCondition, formatCondition, MAX_CONDITION_LENGTH, parseCondition, ruleSubject, type Condition } from "./conversion-rule-language";
import { CONVERSION_RULE_ACTIONS, MAX_CONVERSION_RULES, MAX_HOLD_HOURS, MAX_REJECT_REASON_LENGTH, MAX_RULE_NAME_LENGTH } from "./conversion-rules.constants";
export * from "./conversion-rules.constants";

// Advertiser rules on incoming conversions: an ordered list in Company.conversionRules, first
// match wins (approve, reject with a reason, or hold for N hours). Each rule is stored as its
// condition's text (conversion-rule-language.ts) with its action; the text is parsed once per
// process and cached, so the billing worker's hot path only evaluates trees. A stored rule that
// no longer reads (it cannot be saved so) is skipped, never thrown on.

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

const ruleNameSchema = z.string().trim().min(1, "Give the rule a name").max(MAX_RULE_NAME_LENGTH, `At most ${MAX_RULE_NAME_LENGTH} characters`);
const rejectReasonSchema = z
  .string()
  .trim()
  .min(1, "Say why such conversions are rejected: the reason is shown with each one")
  .max(MAX_REJECT_REASON_LENGTH, `At most ${MAX_REJECT_REASON_LENGTH} characters`);
const holdHoursSchema = z
  .number()
  .int("Whole hours")
  .min(1, "Hold for at least 1 hour")
  .max(MAX_HOLD_HOURS, `Hold for at most ${MAX_HOLD_HOURS} hours (30 days)`);

export const conversionRuleActionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("approve") }),
  z.object({ type: z.literal("reject"), reason: rejectReasonSchema }),
  z.object({ type: z.literal("hold"), hours: holdHoursSchema }),
]);
export type ConversionRuleAction = z.infer<typeof conversionRuleActionSchema>;

/** A condition's text that parses; the message of a problem names its position. */
export const conditionTextSchema = z
  .string()
  .trim()
  .min(1, "Write a condition, e.g. sale_amount > 500 and event = funded")
  .superRefine((text, ctx) => {
    const parsed = parseCondition(text);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.problem.message });
  });

/** One rule as stored in Company.conversionRules (an ordered array of these). */
export const storedConversionRuleSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  name: ruleNameSchema,
  condition: conditionTextSchema,
  action: conversionRuleActionSchema,
});
export type StoredConversionRule = z.infer<typeof storedConversionRuleSchema>;

export const storedConversionRulesSchema = z.array(storedConversionRuleSchema).max(MAX_CONVERSION_RULES);

/** The shape of a stored rule without re-parsing its condition (the worker parses through the cache). */
const storedRuleShape = storedConversionRuleSchema.extend({ condition: z.string().max(MAX_CONDITION_LENGTH) });

/**
 * The rule form of the portal: name, condition, action and the action's reason or hours (only
 * the chosen action's field is read). Errors are keyed by those field names.
 */
export const conversionRuleFormSchema = z
  .object({
    name: z.string().default(""),
    condition: z.string().default(""),
    action: z.enum(CONVERSION_RULE_ACTIONS, "Choose what the rule does"),
    reason: z.string().default(""),
    hours: z.string().default(""),
  })
  .transform((form, ctx) => {
    const name = ruleNameSchema.safeParse(form.name);
    if (!name.success) ctx.addIssue({ code: "custom", path: ["name"], message: name.error.issues[0].message });
    const condition = conditionTextSchema.safeParse(form.condition);
    if (!condition.success) ctx.addIssue({ code: "custom", path: ["condition"], message: condition.error.issues[0].message });
    let action: ConversionRuleAction | null = { type: "approve" };
    if (form.action === "reject") {
      const reason = rejectReasonSchema.safeParse(form.reason);
      if (reason.success) action = { type: "reject", reason: reason.data };
      else {
        action = null;
        ctx.addIssue({ code: "custom", path: ["reason"], message: reason.error.issues[0].message });
      }
    } else if (form.action === "hold") {
      const text = form.hours.trim();
      const hours = holdHoursSchema.safeParse(/^\d{1,6}$/.test(text) ? Number(text) : Number.NaN);
      if (hours.success) action = { type: "hold", hours: hours.data };
      else {
        action = null;
        ctx.addIssue({ code: "custom", path: ["hours"], message: `Enter whole hours from 1 to ${MAX_HOLD_HOURS}` });
      }
    }
    if (!name.success || !condition.success || !action) return z.NEVER;
    return { name: name.data, condition: condition.data, action };
  });
export type ConversionRuleInput = z.output<typeof conversionRuleFormSchema>;

/** The rules stored on a company; entries that are not rules are left out. */
export function readStoredRules(json: unknown): StoredConversionRule[] {
  if (!Array.isArray(json)) return [];
  const rules: StoredConversionRule[] = [];
  for (const entry of json.slice(0, MAX_CONVERSION_RULES)) {
    const parsed = storedRuleShape.safeParse(entry);
    if (parsed.success) rules.push(parsed.data);
  }
  return rules;
}

// ---- compiled rules ----------------------------------------------------------------------------

interface CompiledRule {
  name: string;
  condition: Condition;
  action: ConversionRuleAction;
}

const CONDITION_CACHE_LIMIT = 2000;
const conditionCache = new Map<string, Condition | null>();

/** The parsed condition of a text, from the cache; null when it does not parse. */
export function cachedCondition(text: string): Condition | null {
  const known = conditionCache.get(text);
  if (known !== undefined) return known;
  const parsed = parseCondition(text.trim());
  const condition = parsed.ok ? parsed.condition : null;
  if (conditionCache.size >= CONDITION_CACHE_LIMIT) conditionCache.clear();
  conditionCache.set(text, condition);
  return condition;
}

// A batch bills many conversions with the same rules value: compile it once per value.
const compiledByValue = new WeakMap<object, CompiledRule[]>();

function compileRules(rules: unknown): CompiledRule[] {
  if (typeof rules === "object" && rules !== null) {
    const known = compiledByValue.get(rules);
    if (known) return known;
  }
  const compiled: CompiledRule[] = [];
  for (const rule of readStoredRules(rules)) {
    const condition = cachedCondition(rule.condition);
    if (condition) compiled.push({ name: rule.name, condition, action: rule.action });
  }
  if (typeof rules === "object" && rules !== null) compiledByValue.set(rules, compiled);
  return compiled;
}

function decisionOf(rule: CompiledRule): ConversionRuleDecision {
  switch (rule.action.type) {
    case "approve":
      return { action: "approve", rule: rule.name };
    case "reject":
      return { action: "reject", rule: rule.name, reason: rule.action.reason };
    case "hold":
      return { action: "hold", rule: rule.name, hours: rule.action.hours };
  }
}

/** The first rule that matches the conversion, or null (the conversion stays pending). Never throws. */
export function decideByRules(rules: unknown, facts: ConversionFacts): ConversionRuleDecision | null {
  const compiled = compileRules(rules);
  if (compiled.length === 0) return null;
  const subject = ruleSubject(facts);
  for (const rule of compiled) {
    if (evaluateCondition(rule.condition, subject)) return decisionOf(rule);
  }
  return null;
}

/** Each rule's verdict on the facts, in order, and the decision (the first match): for the "try your rules" box. */
export function explainRules(rules: readonly StoredConversionRule[], facts: ConversionFacts) {
  const subject = ruleSubject(facts);
  let decided = false;
  const verdicts = rules.map((rule) => {
    const condition = cachedCondition(rule.condition);
    const matches = condition !== null && evaluateCondition(condition, subject);
    const decides = matches && !decided;
    if (decides) decided = true;
    return { id: rule.id, name: rule.name, matches, decides, readable: condition !== null };
  });
  const first = verdicts.find((v) => v.decides);
  const rule = first ? rules.find((r) => r.id === first.id) : undefined;
  const decision = rule ? decideByRules([rule], facts) : null;
  return { verdicts, decision };
}

/** What a rule does, in words: "Approve", "Reject: test traffic", "Hold 48 h". */
export function describeRuleAction(action: ConversionRuleAction): string {
  switch (action.type) {
    case "approve":
      return "Approve";
    case "reject":
      return `Reject: ${action.reason}`;
    case "hold":
      return `Hold ${action.hours} h`;
  }
}

/** The condition as the parser groups it (canonical text, and-groups inside an or in parentheses), or null when it does not parse. */
export function canonicalCondition(text: string): string | null {
  const condition = cachedCondition(text);
  return condition ? formatCondition(condition, { explicit: true }) : null;
}

const sampleText = z
  .string()
  .max(200, "At most 200 characters")
  .default("")
  .transform((v) => v.trim());

/** The "try your rules" form: a sample conversion (any field may be left empty). */
export const tryConversionRulesFormSchema = z
  .object({
    sale_amount: z.string().default(""),
    event: sampleText,
    s1: sampleText,
    s2: sampleText,
    s3: sampleText,
    s4: sampleText,
    s5: sampleText,
    adv1: sampleText,
    adv2: sampleText,
    adv3: sampleText,
    adv4: sampleText,
    adv5: sampleText,
  })
  .transform((form, ctx): ConversionFacts => {
    const amount = form.sale_amount.trim();
    const cents = amount === "" ? null : parseAmountToCents(amount);
    if (amount !== "" && cents === null) {
      ctx.addIssue({ code: "custom", path: ["sale_amount"], message: "Enter an amount such as 500 or 49.99, or leave it empty" });
      return z.NEVER;
    }
    const present = (entries: Array<[string, string]>) => Object.fromEntries(entries.filter(([, v]) => v !== ""));
    return {
      event: form.event === "" ? null : form.event,
      saleAmountCents: cents,
      subIds: present([
        ["s1", form.s1],
        ["s2", form.s2],
        ["s3", form.s3],
        ["s4", form.s4],
        ["s5", form.s5],
      ]),
      adv: present([
        ["adv1", form.adv1],
        ["adv2", form.adv2],
        ["adv3", form.adv3],
        ["adv4", form.adv4],
        ["adv5", form.adv5],
      ]),
    };
  });

// An unknown rule id (anyone else's included) is a 404 from the module.
export const conversionRuleIdSchema = z.string().max(100);

export const conversionRuleEditQuerySchema = z.object({ edit: conversionRuleIdSchema.optional().catch(undefined) });

export const conversionRuleMoveFormSchema = z.object({ ruleId: conversionRuleIdSchema, direction: z.enum(["up", "down"]) });

export const conversionRuleDeleteFormSchema = z.object({ ruleId: conversionRuleIdSchema });
