import { randomBytes } from "node:crypto";
import { prisma, type Tx } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import {
  canonicalCondition,
  describeRuleAction,
  explainRules,
  MAX_CONVERSION_RULES,
  readStoredRules,
  storedConversionRulesSchema,
  type ConversionFacts,
  type ConversionRuleInput,
  type StoredConversionRule,
} from "./conversion-rules";

// The advertiser's own conversion rules (Company.conversionRules): list, add, edit, reorder,
// delete and try. Every change reads and writes the list under the company's row lock, so two
// tabs saving at once never lose a rule; what is written is validated whole first.

export interface ConversionRuleView {
  id: string;
  position: number;
  name: string;
  condition: string;
  /** The condition as the parser groups it, when that reads differently from what was typed. */
  readAs: string | null;
  action: StoredConversionRule["action"];
  actionText: string;
}

function view(rule: StoredConversionRule, index: number): ConversionRuleView {
  // Worth showing only where precedence decides the meaning: and and or mixed.
  const typed = rule.condition.replace(/\s+/g, " ").trim().toLowerCase();
  const words = new Set(typed.match(/\b(and|or)\b/g) ?? []);
  const canonical = words.size > 1 ? canonicalCondition(rule.condition) : null;
  return {
    id: rule.id,
    position: index + 1,
    name: rule.name,
    condition: rule.condition,
    readAs: canonical !== null && canonical !== typed ? canonical : null,
    action: rule.action,
    actionText: describeRuleAction(rule.action),
  };
}

async function readOwnRules(actor: Actor): Promise<StoredConversionRule[]> {
  const company = await prisma.company.findUnique({ where: { id: actor.companyId }, select: { conversionRules: true } });
  return readStoredRules(company?.conversionRules);
}

/** The actor's rules in the order they are tried. */
export async function listOwnConversionRules(actor: Actor): Promise<ConversionRuleView[]> {
  requirePermission(actor, "write:conversion:own");
  return (await readOwnRules(actor)).map(view);
}

/** Changes the actor's rules under the company's row lock; `change` returns the new list. */
async function changeOwnRules<T>(actor: Actor, change: (rules: StoredConversionRule[]) => { rules: StoredConversionRule[]; result: T }): Promise<T> {
  requirePermission(actor, "write:conversion:own");
  return prisma.$transaction(async (tx: Tx) => {
    await tx.$queryRaw`SELECT id FROM "Company" WHERE id = ${actor.companyId} FOR UPDATE`;
    const company = await tx.company.findUnique({ where: { id: actor.companyId }, select: { conversionRules: true } });
    if (!company) throw new NotFoundError("Company");
    const { rules, result } = change(readStoredRules(company.conversionRules));
    const checked = storedConversionRulesSchema.parse(rules);
    await tx.company.update({ where: { id: actor.companyId }, data: { conversionRules: checked } });
    return result;
  });
}

function findRule(rules: StoredConversionRule[], ruleId: string): number {
  const index = rules.findIndex((r) => r.id === ruleId);
  if (index < 0) throw new NotFoundError("Rule");
  return index;
}

/** Adds a rule at the end of the list, or replaces the rule `ruleId` in its place. */
export async function saveOwnConversionRule(actor: Actor, input: ConversionRuleInput, ruleId?: string): Promise<ConversionRuleView> {
  return changeOwnRules(actor, (rules) => {
    const index = ruleId ? findRule(rules, ruleId) : rules.length;
    const sameName = rules.find((r, i) => i !== index && r.name.toLowerCase() === input.name.toLowerCase());
    if (sameName)
      throw new ValidationError(
        { name: `Rule ${rules.indexOf(sameName) + 1} is already called "${sameName.name}": pick another name` },
        "Pick another name",
        409,
      );
    if (!ruleId && rules.length >= MAX_CONVERSION_RULES) {
      throw new ConflictError(`You have ${MAX_CONVERSION_RULES} rules, the most there may be: delete or combine some first`);
    }
    const rule: StoredConversionRule = { id: ruleId ?? randomBytes(9).toString("base64url"), ...input };
    const next = [...rules];
    next.splice(index, ruleId ? 1 : 0, rule);
    return { rules: next, result: view(rule, index) };
  });
}

/** Moves a rule one place up (tried earlier) or down. */
export async function moveOwnConversionRule(actor: Actor, ruleId: string, direction: "up" | "down"): Promise<ConversionRuleView> {
  return changeOwnRules(actor, (rules) => {
    const index = findRule(rules, ruleId);
    const to = direction === "up" ? Math.max(0, index - 1) : Math.min(rules.length - 1, index + 1);
    const next = [...rules];
    const [rule] = next.splice(index, 1);
    next.splice(to, 0, rule);
    return { rules: next, result: view(rule, to) };
  });
}

/** Deletes a rule; the answer is the rule that was deleted. */
export async function deleteOwnConversionRule(actor: Actor, ruleId: string): Promise<ConversionRuleView> {
  return changeOwnRules(actor, (rules) => {
    const index = findRule(rules, ruleId);
    return { rules: rules.filter((r) => r.id !== ruleId), result: view(rules[index], index) };
  });
}

/** What the actor's rules decide for a sample conversion, rule by rule. */
export async function tryOwnConversionRules(actor: Actor, sample: ConversionFacts) {
  requirePermission(actor, "write:conversion:own");
  return explainRules(await readOwnRules(actor), sample);
}
