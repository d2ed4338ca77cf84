import { parseAmountToCents } from "~/utils/money";

// The condition language of the advertisers' conversion rules: a readable text such as
//   sale_amount > 500 and (event = funded or adv1 = "vip") and not s2 in (spam, test)
// parsed once into a tree and evaluated against each conversion. Precedence: not, then and, then
// or; parentheses group. Text compares trimmed and case-insensitively; sale_amount compares in
// cents. A missing value is empty: every comparison with it is false except != and "is empty".
// The parser refuses what it cannot read with the position of the problem, and refuses input
// that is too long or too deeply nested before it can cost anything; the evaluator never throws.

export const RULE_FIELDS = ["sale_amount", "event", "s1", "s2", "s3", "s4", "s5", "adv1", "adv2", "adv3", "adv4", "adv5"] as const;
export type RuleField = (typeof RULE_FIELDS)[number];
export type TextField = Exclude<RuleField, "sale_amount">;

export const COMPARISON_OPERATORS = ["=", "!=", ">", ">=", "<", "<="] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** The most characters a condition may have. */
export const MAX_CONDITION_LENGTH = 2000;
/** The deepest nesting of parentheses and `not`. */
export const MAX_CONDITION_DEPTH = 12;
/** The most comparisons in one condition. */
export const MAX_CONDITION_COMPARISONS = 100;
/** The most values in one `in (...)` list. */
export const MAX_IN_VALUES = 50;
/** The longest value. */
export const MAX_VALUE_LENGTH = 200;

/** A value written in a rule: its text (trimmed, lower-case) and, when it reads as one, its number. */
export interface TextValue {
  text: string;
  number: number | null;
}

export type Condition =
  | { kind: "and"; items: Condition[] }
  | { kind: "or"; items: Condition[] }
  | { kind: "not"; item: Condition }
  | { kind: "amount"; op: ComparisonOperator; cents: number }
  | { kind: "amount_in"; cents: number[] }
  | { kind: "text"; field: TextField; op: ComparisonOperator; value: TextValue }
  | { kind: "text_in"; field: TextField; values: string[] }
  | { kind: "contains"; field: TextField; value: string }
  | { kind: "empty"; field: RuleField };

/** What a rule is evaluated against: the sale amount in cents (null when none) and every text field. */
export interface RuleSubject {
  saleAmountCents: number | null;
  text: Readonly<Record<TextField, string>>;
}

export interface RuleSyntaxProblem {
  message: string;
  /** 0-based offset of the problem in the source. */
  position: number;
}

export type ParsedCondition = { ok: true; condition: Condition } | { ok: false; problem: RuleSyntaxProblem };

// ---- tokens ------------------------------------------------------------------------------------

type TokenType = "word" | "string" | "op" | "(" | ")" | "," | "end";
interface Token {
  type: TokenType;
  /** The text as written (for a string: its content, escapes resolved). */
  text: string;
  position: number;
}

const KEYWORDS = new Set(["and", "or", "not", "in", "contains", "is", "empty"]);
const WORD_CHAR = /[\p{L}\p{N}_.\-@+:/#$%&*~]/u;
const NUMBER = /^-?\d+(?:\.\d+)?$/;

/** A problem while parsing, with the offset it is about. */
class SyntaxFailure extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/** "line 2, column 5" for a source with line breaks, otherwise "column 5". */
export function describePosition(source: string, position: number): string {
  const before = source.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return line > 1 ? `line ${line}, column ${column}` : `column ${column}`;
}

function shown(text: string): string {
  const short = text.length > 30 ? `${text.slice(0, 30)}…` : text;
  return `"${short}"`;
}

function tokenize(source: string): Token[] {
  const at = (position: number) => describePosition(source, position);
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const start = i;
    if (c === "(" || c === ")" || c === ",") {
      tokens.push({ type: c, text: c, position: start });
      i++;
      continue;
    }
    if (c === "=" || c === "!" || c === "<" || c === ">") {
      const two = source.slice(i, i + 2);
      if (two === "!=" || two === ">=" || two === "<=") {
        tokens.push({ type: "op", text: two, position: start });
        i += 2;
        continue;
      }
      if (two === "==") throw new SyntaxFailure(`Write = rather than == at ${at(start)}`, start);
      if (two === "<>") throw new SyntaxFailure(`Write != rather than <> at ${at(start)}`, start);
      if (c === "!") throw new SyntaxFailure(`Unexpected "!" at ${at(start)}: use != for "not equal" or the word not`, start);
      tokens.push({ type: "op", text: c, position: start });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let text = "";
      i++;
      for (;;) {
        if (i >= source.length) throw new SyntaxFailure(`The text opened with ${c} at ${at(start)} is never closed: add a closing ${c}`, start);
        const d = source[i];
        if (d === "\\" && i + 1 < source.length) {
          text += source[i + 1];
          i += 2;
          continue;
        }
        if (d === c) {
          i++;
          break;
        }
        text += d;
        i++;
      }
      if (text.length > MAX_VALUE_LENGTH) throw new SyntaxFailure(`The text at ${at(start)} is longer than ${MAX_VALUE_LENGTH} characters`, start);
      tokens.push({ type: "string", text, position: start });
      continue;
    }
    if (WORD_CHAR.test(c)) {
      while (i < source.length && WORD_CHAR.test(source[i])) i++;
      const text = source.slice(start, i);
      if (text.length > MAX_VALUE_LENGTH) throw new SyntaxFailure(`The word at ${at(start)} is longer than ${MAX_VALUE_LENGTH} characters`, start);
      tokens.push({ type: "word", text, position: start });
      continue;
    }
    const code = c.codePointAt(0) ?? 0;
    const what = code < 32 || code === 127 ? `character U+${code.toString(16).padStart(4, "0").toUpperCase()}` : `character ${shown(c)}`;
    throw new SyntaxFailure(`Unexpected ${what} at ${at(start)}: put values with spaces or symbols in quotes`, start);
  }
  tokens.push({ type: "end", text: "", position: source.length });
  return tokens;
}

// ---- parser ------------------------------------------------------------------------------------

const FIELD_LIST = "sale_amount, event, s1 to s5 or adv1 to adv5";

function isKeyword(token: Token, word?: string): boolean {
  if (token.type !== "word") return false;
  const lower = token.text.toLowerCase();
  return word ? lower === word : KEYWORDS.has(lower);
}

function describeToken(token: Token): string {
  if (token.type === "end") return "the end of the condition";
  if (token.type === "string") return `the text ${shown(token.text)}`;
  return shown(token.text);
}

function suggestField(word: string): string {
  const lower = word.toLowerCase();
  if (/^(sale|amount|sale_?amount|total|revenue)$/.test(lower)) return ` (did you mean sale_amount?)`;
  if (/^(sub_?id|sub|s)[1-5]$/.test(lower)) return ` (did you mean s${lower.slice(-1)}?)`;
  if (/^(adv|advertiser)_?[1-5]$/.test(lower)) return ` (did you mean adv${lower.slice(-1)}?)`;
  if (/^(events?|action|goal)$/.test(lower)) return ` (did you mean event?)`;
  return "";
}

class Parser {
  private index = 0;
  private depth = 0;
  private comparisons = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  private at(position: number): string {
    return describePosition(this.source, position);
  }

  parse(): Condition {
    if (this.peek().type === "end") throw new SyntaxFailure(`Write a condition, e.g. sale_amount > 500 and event = funded`, 0);
    const condition = this.parseOr();
    const rest = this.peek();
    if (rest.type !== "end") {
      const hint = rest.type === ")" ? ": there is no ( to close" : ": join conditions with and / or";
      throw new SyntaxFailure(`Unexpected ${describeToken(rest)} at ${this.at(rest.position)}${hint}`, rest.position);
    }
    return condition;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.type !== "end") this.index++;
    return token;
  }

  private enter(at: Token) {
    this.depth++;
    if (this.depth > MAX_CONDITION_DEPTH) {
      throw new SyntaxFailure(`Too deeply nested at ${this.at(at.position)}: at most ${MAX_CONDITION_DEPTH} levels of parentheses and not`, at.position);
    }
  }

  private parseOr(): Condition {
    const items = [this.parseAnd()];
    while (isKeyword(this.peek(), "or")) {
      this.next();
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0] : { kind: "or", items };
  }

  private parseAnd(): Condition {
    const items = [this.parseUnary()];
    while (isKeyword(this.peek(), "and")) {
      this.next();
      items.push(this.parseUnary());
    }
    return items.length === 1 ? items[0] : { kind: "and", items };
  }

  private parseUnary(): Condition {
    const token = this.peek();
    if (isKeyword(token, "not")) {
      this.next();
      this.enter(token);
      const item = this.parseUnary();
      this.depth--;
      return { kind: "not", item };
    }
    if (token.type === "(") {
      this.next();
      this.enter(token);
      const inner = this.parseOr();
      this.depth--;
      const close = this.next();
      if (close.type !== ")") {
        throw new SyntaxFailure(
          `Expected ) at ${this.at(close.position)} to close the ( at ${this.at(token.position)}, found ${describeToken(close)}`,
          close.position,
        );
      }
      return inner;
    }
    return this.parseComparison();
  }

  private parseField(): RuleField {
    const token = this.next();
    if (token.type === "end") throw new SyntaxFailure(`Expected a field (${FIELD_LIST}) at ${this.at(token.position)}`, token.position);
    if (token.type !== "word" || isKeyword(token)) {
      throw new SyntaxFailure(`Expected a field (${FIELD_LIST}) at ${this.at(token.position)}, found ${describeToken(token)}`, token.position);
    }
    const name = token.text.toLowerCase();
    if (!(RULE_FIELDS as readonly string[]).includes(name)) {
      throw new SyntaxFailure(`Unknown field ${shown(token.text)} at ${this.at(token.position)}${suggestField(token.text)}: use ${FIELD_LIST}`, token.position);
    }
    return name as RuleField;
  }

  private countComparison(at: Token) {
    this.comparisons++;
    if (this.comparisons > MAX_CONDITION_COMPARISONS) {
      throw new SyntaxFailure(`Too many comparisons at ${this.at(at.position)}: a condition has at most ${MAX_CONDITION_COMPARISONS}`, at.position);
    }
  }

  private parseComparison(): Condition {
    const fieldToken = this.peek();
    const field = this.parseField();
    this.countComparison(fieldToken);
    const token = this.next();
    if (token.type === "op") {
      const value = this.parseValue(token);
      return this.compare(field, token.text as ComparisonOperator, value);
    }
    if (isKeyword(token, "in")) return this.inList(field, this.parseList(token));
    if (isKeyword(token, "not")) {
      const after = this.next();
      if (isKeyword(after, "in")) return { kind: "not", item: this.inList(field, this.parseList(after)) };
      if (isKeyword(after, "contains")) return { kind: "not", item: this.contains(field, this.parseValue(after), after) };
      throw new SyntaxFailure(`Expected in or contains after "not" at ${this.at(after.position)}, found ${describeToken(after)}`, after.position);
    }
    if (isKeyword(token, "contains")) return this.contains(field, this.parseValue(token), token);
    if (isKeyword(token, "is")) {
      const after = this.next();
      if (isKeyword(after, "empty")) return { kind: "empty", field };
      if (isKeyword(after, "not") && isKeyword(this.peek(), "empty")) {
        this.next();
        return { kind: "not", item: { kind: "empty", field } };
      }
      throw new SyntaxFailure(`Expected "empty" or "not empty" after "is" at ${this.at(after.position)}, found ${describeToken(after)}`, after.position);
    }
    const found = token.type === "end" ? "the condition ends" : `found ${describeToken(token)}`;
    throw new SyntaxFailure(
      `Expected an operator (= != > >= < <= in contains "is empty") after ${field} at ${this.at(token.position)}, ${found}`,
      token.position,
    );
  }

  private parseValue(after: Token): Token {
    const token = this.next();
    if (token.type === "string") return token;
    if (token.type === "word" && !isKeyword(token)) return token;
    if (token.type === "word") {
      throw new SyntaxFailure(
        `Expected a value after ${after.text} at ${this.at(token.position)}, found the word ${shown(token.text)}: put it in quotes to compare with that word`,
        token.position,
      );
    }
    const found = token.type === "end" ? "the condition ends" : `found ${describeToken(token)}`;
    throw new SyntaxFailure(`Expected a value after ${after.text} at ${this.at(token.position)}, ${found}`, token.position);
  }

  private parseList(inToken: Token): Token[] {
    const open = this.next();
    if (open.type !== "(") throw new SyntaxFailure(`Expected ( after "in" at ${this.at(open.position)}, e.g. s2 in (spam, test)`, open.position);
    const values: Token[] = [];
    for (;;) {
      values.push(this.parseValue(values.length === 0 ? open : { ...inToken, text: "," }));
      if (values.length > MAX_IN_VALUES)
        throw new SyntaxFailure(
          `Too many values at ${this.at(values[values.length - 1].position)}: a list has at most ${MAX_IN_VALUES}`,
          values[values.length - 1].position,
        );
      const sep = this.next();
      if (sep.type === ")") return values;
      if (sep.type !== ",")
        throw new SyntaxFailure(`Expected , or ) at ${this.at(sep.position)} to continue or close the list opened at ${this.at(open.position)}`, sep.position);
    }
  }

  private amount(token: Token): number {
    const cents = parseAmountToCents(token.text);
    if (cents === null) {
      throw new SyntaxFailure(
        `sale_amount is compared with an amount such as 500 or 49.99; ${shown(token.text)} at ${this.at(token.position)} is not one`,
        token.position,
      );
    }
    return cents;
  }

  private compare(field: RuleField, op: ComparisonOperator, token: Token): Condition {
    if (field === "sale_amount") return { kind: "amount", op, cents: this.amount(token) };
    const text = token.text.trim().toLowerCase();
    const number = NUMBER.test(text) ? Number(text) : null;
    if (op !== "=" && op !== "!=" && number === null) {
      throw new SyntaxFailure(
        `${op} compares numbers: ${shown(token.text)} at ${this.at(token.position)} is not a number (use = or != for text)`,
        token.position,
      );
    }
    return { kind: "text", field, op, value: { text, number } };
  }

  private inList(field: RuleField, tokens: Token[]): Condition {
    if (field === "sale_amount") return { kind: "amount_in", cents: tokens.map((t) => this.amount(t)) };
    return { kind: "text_in", field, values: tokens.map((t) => t.text.trim().toLowerCase()) };
  }

  private contains(field: RuleField, token: Token, at: Token): Condition {
    if (field === "sale_amount") throw new SyntaxFailure(`contains works on text fields, not on sale_amount (at ${this.at(at.position)})`, at.position);
    const value = token.text.trim().toLowerCase();
    if (value === "") throw new SyntaxFailure(`contains needs some text at ${this.at(token.position)} (to test for nothing, use "is empty")`, token.position);
    return { kind: "contains", field, value };
  }
}

/** Parses a condition; never throws. A problem names where it is ("at column 17"). */
export function parseCondition(source: string): ParsedCondition {
  if (source.length > MAX_CONDITION_LENGTH) {
    return {
      ok: false,
      problem: {
        message: `A condition has at most ${MAX_CONDITION_LENGTH.toLocaleString("en-US")} characters; this one has ${source.length.toLocaleString("en-US")}`,
        position: MAX_CONDITION_LENGTH,
      },
    };
  }
  try {
    return { ok: true, condition: new Parser(tokenize(source), source).parse() };
  } catch (error) {
    if (!(error instanceof SyntaxFailure)) throw error;
    return { ok: false, problem: { message: error.message, position: error.position } };
  }
}

// ---- evaluation --------------------------------------------------------------------------------

function ordered(op: ComparisonOperator, left: number, right: number): boolean {
  switch (op) {
    case "=":
      return left === right;
    case "!=":
      return left !== right;
    case ">":
      return left > right;
    case ">=":
      return left >= right;
    case "<":
      return left < right;
    case "<=":
      return left <= right;
  }
}

function compareText(op: ComparisonOperator, actual: string, value: TextValue): boolean {
  if (op === "=") return actual === value.text;
  if (op === "!=") return actual !== value.text;
  // Ordering compares numbers; a field that holds no number never matches.
  if (value.number === null || actual === "" || !NUMBER.test(actual)) return false;
  return ordered(op, Number(actual), value.number);
}

/**
 * Whether the condition holds for the subject. The subject's text must already be trimmed and
 * lower-case (see `ruleSubject`). Never throws: the tree is at most MAX_CONDITION_DEPTH deep.
 */
export function evaluateCondition(condition: Condition, subject: RuleSubject): boolean {
  switch (condition.kind) {
    case "and":
      return condition.items.every((item) => evaluateCondition(item, subject));
    case "or":
      return condition.items.some((item) => evaluateCondition(item, subject));
    case "not":
      return !evaluateCondition(condition.item, subject);
    case "amount":
      // No sale amount: only != holds.
      return subject.saleAmountCents === null ? condition.op === "!=" : ordered(condition.op, subject.saleAmountCents, condition.cents);
    case "amount_in":
      return subject.saleAmountCents !== null && condition.cents.includes(subject.saleAmountCents);
    case "text":
      return compareText(condition.op, subject.text[condition.field], condition.value);
    case "text_in":
      return condition.values.includes(subject.text[condition.field]);
    case "contains":
      return subject.text[condition.field].includes(condition.value);
    case "empty":
      return condition.field === "sale_amount" ? subject.saleAmountCents === null : subject.text[condition.field] === "";
  }
}

function normalText(value: unknown): string {
  if (typeof value === "string") return value.trim().toLowerCase();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return "";
}

/** The subject of a conversion's facts: text fields trimmed and lower-case, anything else empty. */
export function ruleSubject(facts: {
  event: unknown;
  saleAmountCents: unknown;
  subIds: Readonly<Record<string, unknown>> | null | undefined;
  adv: Readonly<Record<string, unknown>> | null | undefined;
}): RuleSubject {
  const subIds = facts.subIds && typeof facts.subIds === "object" ? facts.subIds : {};
  const adv = facts.adv && typeof facts.adv === "object" ? facts.adv : {};
  const own = (record: Readonly<Record<string, unknown>>, key: string) => (Object.hasOwn(record, key) ? normalText(record[key]) : "");
  return {
    saleAmountCents: typeof facts.saleAmountCents === "number" && Number.isSafeInteger(facts.saleAmountCents) ? facts.saleAmountCents : null,
    text: {
      event: normalText(facts.event),
      s1: own(subIds, "s1"),
      s2: own(subIds, "s2"),
      s3: own(subIds, "s3"),
      s4: own(subIds, "s4"),
      s5: own(subIds, "s5"),
      adv1: own(adv, "adv1"),
      adv2: own(adv, "adv2"),
      adv3: own(adv, "adv3"),
      adv4: own(adv, "adv4"),
      adv5: own(adv, "adv5"),
    },
  };
}

// ---- writing a condition back ------------------------------------------------------------------

function quoted(text: string): string {
  return /^[\p{L}\p{N}_.\-@+:/#$%&*~]+$/u.test(text) && !KEYWORDS.has(text) ? text : `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

const amountText = (cents: number) => (cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2));

/**
 * The condition in canonical text: lower-case words, values quoted only where needed, and
 * parentheses only where the precedence needs them (`explicit`: also around each and-group
 * inside an or, to show how the parser grouped it). Parsing the result gives the same tree.
 */
export function formatCondition(condition: Condition, options: { explicit?: boolean } = {}): string {
  return formatWithin(condition, null, options.explicit === true);
}

function formatWithin(condition: Condition, parent: "or" | "and" | "not" | null, explicit: boolean): string {
  switch (condition.kind) {
    case "or": {
      const text = condition.items.map((item) => formatWithin(item, "or", explicit)).join(" or ");
      return parent === null || parent === "or" ? text : `(${text})`;
    }
    case "and": {
      const text = condition.items.map((item) => formatWithin(item, "and", explicit)).join(" and ");
      return parent === "not" || (explicit && parent === "or") ? `(${text})` : text;
    }
    case "not": {
      const inner = condition.item;
      if (inner.kind === "text_in") return `${inner.field} not in (${inner.values.map(quoted).join(", ")})`;
      if (inner.kind === "amount_in") return `sale_amount not in (${inner.cents.map(amountText).join(", ")})`;
      if (inner.kind === "contains") return `${inner.field} not contains ${quoted(inner.value)}`;
      if (inner.kind === "empty") return `${inner.field} is not empty`;
      return `not ${formatWithin(inner, "not", explicit)}`;
    }
    case "amount":
      return `sale_amount ${condition.op} ${amountText(condition.cents)}`;
    case "amount_in":
      return `sale_amount in (${condition.cents.map(amountText).join(", ")})`;
    case "text":
      return `${condition.field} ${condition.op} ${quoted(condition.value.text)}`;
    case "text_in":
      return `${condition.field} in (${condition.values.map(quoted).join(", ")})`;
    case "contains":
      return `${condition.field} contains ${quoted(condition.value)}`;
    case "empty":
      return `${condition.field} is empty`;
  }
}
