import { describe, expect, it } from "vitest";
import {
  evaluateCondition,
  formatCondition,
  MAX_CONDITION_DEPTH,
  MAX_CONDITION_LENGTH,
  parseCondition,
  ruleSubject,
  type Condition,
} from "~/modules/conversions/conversion-rule-language";
import {
  conversionRuleFormSchema,
  decideByRules,
  explainRules,
  readStoredRules,
  storedConversionRulesSchema,
  type ConversionFacts,
  type StoredConversionRule,
} from "~/modules/conversions/conversion-rules";

// The advertisers' rule language: what a condition means, what the parser says about what it
// cannot read, and that stored rules decide a conversion without ever throwing.

const facts = (overrides: Partial<ConversionFacts> = {}): ConversionFacts => ({
  event: "funded",
  saleAmountCents: 60_000,
  subIds: { s1: "google", s2: "Spam" },
  adv: { adv1: "VIP", adv2: "42" },
  ...overrides,
});

function parsed(source: string): Condition {
  const result = parseCondition(source);
  if (!result.ok) throw new Error(`expected ${source} to parse: ${result.problem.message}`);
  return result.condition;
}

function problem(source: string) {
  const result = parseCondition(source);
  if (result.ok) throw new Error(`expected ${source} to be refused`);
  return result.problem;
}

/** Whether the condition holds for the facts. */
const holds = (source: string, f: ConversionFacts = facts()) => evaluateCondition(parsed(source), ruleSubject(f));
/** The condition as the parser grouped it. */
const grouped = (source: string) => formatCondition(parsed(source));

const rule = (name: string, condition: string, action: StoredConversionRule["action"]): StoredConversionRule => ({
  id: name.toLowerCase().replace(/\W+/g, "-"),
  name,
  condition,
  action,
});

describe("the conversion rule language", () => {
  it("reads the example of the docs and decides it", () => {
    const example = 'sale_amount > 500 and (event = funded or adv1 = "vip") and not s2 in (spam, test)';
    expect(grouped(example)).toBe("sale_amount > 500 and (event = funded or adv1 = vip) and s2 not in (spam, test)");
    expect(holds(example)).toBe(false); // s2 is "Spam": case does not matter
    expect(holds(example, facts({ subIds: { s2: "partner" } }))).toBe(true);
    expect(holds(example, facts({ saleAmountCents: 50_000, subIds: {} }))).toBe(false); // 500.00 is not > 500
    expect(holds(example, facts({ event: "application", subIds: {} }))).toBe(true); // adv1 = vip
    expect(holds(example, facts({ event: "application", adv: {}, subIds: {} }))).toBe(false);
  });

  it("binds not tighter than and, and and tighter than or; parentheses regroup", () => {
    expect(grouped("event = a or event = b and s1 = c")).toBe("event = a or event = b and s1 = c");
    expect(formatCondition(parsed("event = a or event = b and s1 = c"), { explicit: true })).toBe("event = a or (event = b and s1 = c)");
    expect(formatCondition(parsed("not event = a and s1 = c or s2 = d"), { explicit: true })).toBe("(not event = a and s1 = c) or s2 = d");
    expect(parsed("event = a or event = b and s1 = c")).toMatchObject({ kind: "or", items: [{ kind: "text" }, { kind: "and" }] });
    expect(grouped("(event = a or event = b) and s1 = c")).toBe("(event = a or event = b) and s1 = c");
    expect(grouped("not event = a and s1 = c")).toBe("not event = a and s1 = c");
    expect(parsed("not event = a and s1 = c")).toMatchObject({ kind: "and", items: [{ kind: "not" }, { kind: "text" }] });
    expect(grouped("not (event = a and s1 = c)")).toBe("not (event = a and s1 = c)");
    expect(grouped("not not event = a")).toBe("not not event = a");
    expect(grouped("((event = a))")).toBe("event = a");
    // or true and false: true with the right precedence, false if read left to right.
    expect(holds("event = funded or event = nope and s1 = nope")).toBe(true);
    expect(holds("(event = funded or event = nope) and s1 = nope")).toBe(false);
    expect(holds("NOT event = nope AND s1 = GOOGLE")).toBe(true);
  });

  it("writes back what it read, and what it writes reads the same", () => {
    for (const source of [
      'adv1 = "two words" or adv2 >= 10 and not (s3 is empty or s4 contains "a,b")',
      "sale_amount in (10, 19.99) or sale_amount not in (5)",
      's1 = "and" and s2 = "say \\"hi\\"" and s3 = \'it\\\'s\'',
      "event is not empty and s5 not contains bad",
    ]) {
      const text = grouped(source);
      expect(parsed(text)).toEqual(parsed(source));
    }
  });

  it("compares sale_amount as cents and text without case or outer spaces", () => {
    expect(holds("sale_amount = 600")).toBe(true);
    expect(holds("sale_amount = 600.00")).toBe(true);
    expect(holds("sale_amount >= 599.99 and sale_amount < 600.01")).toBe(true);
    expect(holds("sale_amount > 600")).toBe(false);
    expect(holds("sale_amount in (1, 600)")).toBe(true);
    expect(holds("adv1 = vip")).toBe(true);
    expect(holds('adv1 = "  Vip "')).toBe(true);
    expect(holds("adv1 != vip")).toBe(false);
    expect(holds("s1 contains OOG")).toBe(true);
    expect(holds("s1 not contains oog")).toBe(false);
    expect(holds("adv2 > 41.5 and adv2 <= 42")).toBe(true);
    expect(holds("adv1 > 1")).toBe(false); // "vip" is no number: ordering never matches
  });

  it("treats a missing value as empty: only != and is empty hold", () => {
    const cpa = facts({ saleAmountCents: null, event: "application", subIds: {}, adv: {} });
    expect(holds("sale_amount is empty", cpa)).toBe(true);
    expect(holds("sale_amount is not empty", cpa)).toBe(false);
    expect(holds("sale_amount > 0", cpa)).toBe(false);
    expect(holds("sale_amount < 1000", cpa)).toBe(false);
    expect(holds("sale_amount = 0", cpa)).toBe(false);
    expect(holds("sale_amount != 0", cpa)).toBe(true);
    expect(holds("sale_amount in (0)", cpa)).toBe(false);
    expect(holds("s3 is empty and adv4 is empty", cpa)).toBe(true);
    expect(holds('s3 = ""', cpa)).toBe(true);
    expect(holds("s3 != x", cpa)).toBe(true);
    expect(holds("s3 > 0", cpa)).toBe(false);
    expect(holds("event is empty", facts({ event: null }))).toBe(true);
  });

  it("reads quoting: double and single quotes, escapes, keywords and spaces as values", () => {
    expect(parsed('adv1 = "vip gold"')).toMatchObject({ value: { text: "vip gold" } });
    expect(parsed("adv1 = 'vip \"gold\"'")).toMatchObject({ value: { text: 'vip "gold"' } });
    expect(parsed('adv1 = "back\\\\slash \\"q\\""')).toMatchObject({ value: { text: 'back\\slash "q"' } });
    expect(parsed('s1 in ("and", "or", not-a-keyword)')).toMatchObject({ values: ["and", "or", "not-a-keyword"] });
    expect(parsed("adv1=vip")).toMatchObject({ kind: "text", field: "adv1", op: "=" });
    expect(parsed("s1 = café")).toMatchObject({ value: { text: "café" } });
    expect(parsed("EVENT = Funded")).toMatchObject({ field: "event", value: { text: "funded" } });
  });

  it("says what is wrong and where", () => {
    expect(problem("")).toMatchObject({ message: expect.stringContaining("Write a condition") });
    expect(problem("sale_amount >")).toMatchObject({ message: "Expected a value after > at column 14, the condition ends", position: 13 });
    expect(problem("salee = 5").message).toBe('Unknown field "salee" at column 1: use sale_amount, event, s1 to s5 or adv1 to adv5');
    expect(problem("amount > 5").message).toContain("did you mean sale_amount?");
    expect(problem("subid2 = x").message).toContain("did you mean s2?");
    expect(problem("event = funded and (s1 = a or s2 = b").message).toBe("Expected ) at column 37 to close the ( at column 20, found the end of the condition");
    expect(problem("event = funded)").message).toBe('Unexpected ")" at column 15: there is no ( to close');
    expect(problem("event = funded s1 = a").message).toBe('Unexpected "s1" at column 16: join conditions with and / or');
    expect(problem('adv1 = "vip').message).toBe('The text opened with " at column 8 is never closed: add a closing "');
    expect(problem("sale_amount > 5,00").message).toContain('Unexpected "," at column 16');
    expect(problem("sale_amount > $5").message).toBe('sale_amount is compared with an amount such as 500 or 49.99; "$5" at column 15 is not one');
    expect(problem("sale_amount > -5").message).toContain("is not one");
    expect(problem("sale_amount contains 5").message).toBe("contains works on text fields, not on sale_amount (at column 13)");
    expect(problem("s1 > abc").message).toBe('> compares numbers: "abc" at column 6 is not a number (use = or != for text)');
    expect(problem("event == funded").message).toBe("Write = rather than == at column 7");
    expect(problem("event <> funded").message).toBe("Write != rather than <> at column 7");
    expect(problem("event = and").message).toBe('Expected a value after = at column 9, found the word "and": put it in quotes to compare with that word');
    expect(problem("s2 in spam").message).toBe('Expected ( after "in" at column 7, e.g. s2 in (spam, test)');
    expect(problem("s2 in (spam test)").message).toBe("Expected , or ) at column 13 to continue or close the list opened at column 7");
    expect(problem("s2 is full").message).toBe('Expected "empty" or "not empty" after "is" at column 7, found "full"');
    expect(problem("s2 funded").message).toContain('Expected an operator (= != > >= < <= in contains "is empty") after s2 at column 4, found "funded"');
    expect(problem("event = funded and").message).toBe("Expected a field (sale_amount, event, s1 to s5 or adv1 to adv5) at column 19");
    expect(problem("event = funded and\n  s1 ! x").message).toBe('Unexpected "!" at line 2, column 6: use != for "not equal" or the word not');
    expect(problem("s1 = a\u0000b").message).toBe("Unexpected character U+0000 at column 7: put values with spaces or symbols in quotes");
  });

  it("refuses hostile input with a clear message, cheaply", () => {
    const long = `s1 = ${"a".repeat(MAX_CONDITION_LENGTH)}`;
    expect(problem(long).message).toBe(`A condition has at most 2,000 characters; this one has ${long.length.toLocaleString("en-US")}`);
    expect(problem("x".repeat(5_000_000)).message).toContain("at most 2,000 characters");

    const nested = (depth: number) => `${"(".repeat(depth)}event = a${")".repeat(depth)}`;
    expect(parseCondition(nested(MAX_CONDITION_DEPTH)).ok).toBe(true);
    expect(problem(nested(MAX_CONDITION_DEPTH + 1)).message).toBe(
      `Too deeply nested at column ${MAX_CONDITION_DEPTH + 1}: at most 12 levels of parentheses and not`,
    );
    expect(problem(nested(900)).message).toContain("Too deeply nested");
    expect(problem(`${"not ".repeat(40)}event = a`).message).toContain("Too deeply nested at column 49");
    expect(problem("(".repeat(1999)).message).toContain("Too deeply nested");

    const many = Array.from({ length: 101 }, (_, i) => `s1 = v${i}`).join(" or ");
    expect(many.length).toBeLessThan(MAX_CONDITION_LENGTH);
    expect(problem(many).message).toContain("Too many comparisons at column");
    const bigList = `s1 in (${Array.from({ length: 51 }, (_, i) => i).join(",")})`;
    expect(problem(bigList).message).toContain("a list has at most 50");
    expect(problem(`s1 = "${"v".repeat(201)}"`).message).toBe("The text at column 6 is longer than 200 characters");

    const started = performance.now();
    for (let i = 0; i < 200; i++) parseCondition(`${"(".repeat(1000)}${")".repeat(1000)}`);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("stored rules", () => {
  const rules: StoredConversionRule[] = [
    rule("Test traffic", "s2 in (spam, test)", { type: "reject", reason: "Test traffic" }),
    rule("Big sales", "sale_amount >= 1000", { type: "hold", hours: 48 }),
    rule("VIP", "adv1 = vip", { type: "approve" }),
  ];

  it("first match wins, in the stored order", () => {
    expect(decideByRules(rules, facts())).toEqual({ action: "reject", rule: "Test traffic", reason: "Test traffic" });
    expect(decideByRules(rules, facts({ subIds: {}, saleAmountCents: 100_000 }))).toEqual({ action: "hold", rule: "Big sales", hours: 48 });
    expect(decideByRules(rules, facts({ subIds: {} }))).toEqual({ action: "approve", rule: "VIP" });
    expect(decideByRules(rules, facts({ subIds: {}, adv: {} }))).toBeNull();
    expect(decideByRules([], facts())).toBeNull();
  });

  it("never throws on whatever is stored: bad entries are skipped", () => {
    const stored: unknown[] = [
      null,
      42,
      "rule",
      { id: "x", name: "no action", condition: "event = funded" },
      { id: "y", name: "bad hold", condition: "event = funded", action: { type: "hold", hours: 10_000 } },
      { id: "z", name: "unreadable", condition: "event ==== funded", action: { type: "approve" } },
      { id: "w", name: "nested", condition: "(".repeat(1500), action: { type: "approve" } },
      { id: "ok", name: "Funded", condition: "event = funded", action: { type: "reject", reason: "No funded" } },
    ];
    expect(decideByRules(stored, facts())).toEqual({ action: "reject", rule: "Funded", reason: "No funded" });
    for (const value of [null, undefined, 0, "[]", {}, { length: 3 }, [[]]]) expect(decideByRules(value, facts())).toBeNull();
    // Facts with unexpected types (advFields is JSON) read as empty.
    const odd = { event: null, saleAmountCents: Number.NaN, subIds: { s1: { x: 1 } }, adv: { adv1: ["vip"] } } as unknown as ConversionFacts;
    expect(decideByRules([rule("Empty", "s1 is empty and adv1 is empty and sale_amount is empty", { type: "approve" })], odd)).toEqual({
      action: "approve",
      rule: "Empty",
    });
    expect(readStoredRules(stored).map((r) => r.id)).toEqual(["z", "w", "ok"]);
    expect(storedConversionRulesSchema.safeParse(stored.slice(5)).success).toBe(false);
    expect(storedConversionRulesSchema.safeParse(rules).success).toBe(true);
  });

  it("decides fast: 100,000 conversions against 50 rules in under 3 seconds", () => {
    const fifty = Array.from({ length: 50 }, (_, i) =>
      rule(`Rule ${i}`, `(s1 = src${i} or adv2 > ${1000 + i}) and not s2 in (a, b, c) and sale_amount >= ${i}`, { type: "approve" }),
    );
    const started = performance.now();
    let decided = 0;
    for (let i = 0; i < 100_000; i++) if (decideByRules(fifty, facts({ subIds: { s1: `src${i % 60}` } }))) decided++;
    expect(decided).toBe(Math.floor(100_000 / 60) * 50 + Math.min(100_000 % 60, 50));
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("explains which rule decides a sample conversion", () => {
    const explained = explainRules(rules, facts({ subIds: {}, saleAmountCents: 100_000 }));
    expect(explained.verdicts.map((v) => [v.name, v.matches, v.decides])).toEqual([
      ["Test traffic", false, false],
      ["Big sales", true, true],
      ["VIP", true, false],
    ]);
    expect(explained.decision).toEqual({ action: "hold", rule: "Big sales", hours: 48 });
  });

  it("the form names each wrong field", () => {
    const bad = conversionRuleFormSchema.safeParse({ name: " ", condition: "sale_amount >", action: "hold", hours: "721" });
    expect(bad.success).toBe(false);
    const fields = Object.fromEntries((bad.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
    expect(fields).toEqual({
      name: "Give the rule a name",
      condition: "Expected a value after > at column 14, the condition ends",
      hours: "Enter whole hours from 1 to 720",
    });
    const noReason = conversionRuleFormSchema.safeParse({ name: "x", condition: "event = a", action: "reject", reason: "" });
    expect(noReason.error?.issues.map((i) => i.path.join("."))).toEqual(["reason"]);
    const noAction = conversionRuleFormSchema.safeParse({ name: "x", condition: "event = a", action: "explode" });
    expect(noAction.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["action", "Choose what the rule does"]]);
    expect(conversionRuleFormSchema.parse({ name: " Hold ", condition: " event = a ", action: "hold", hours: "24", reason: "ignored" })).toEqual({
      name: "Hold",
      condition: "event = a",
      action: { type: "hold", hours: 24 },
    });
  });
});
