import { z } from "zod";
import { TEMPERATURES } from "~/modules/quality/quality.constants";
import { formValues } from "~/utils/forms";
import { keysetCursorParam } from "~/utils/keyset-cursor";
import { searchTextParam } from "~/utils/search-param";
import { formatMoney, parseAmountToCents } from "~/utils/money";
import {
  FIELD_RULE_OPERATORS,
  FIELD_RULE_OPERATOR_LABELS,
  WEEKDAY_NAMES,
  DELIVERY_METHODS,
  type DeliveryMethodValue,
  DELIVERY_METHOD_LABELS,
  ORDER_STATUSES,
  TEMPERATURE_PRICE_INPUTS,
  ORDER_FORM_RULE_ROWS,
} from "./orders.constants";
export * from "./orders.constants";

/** The advertiser's order list as the URL keeps it (an unknown value shows every order). */
export const ownOrderListFilterSchema = z.object({
  /** Part of the offer's title. */
  q: searchTextParam().optional().catch(undefined),
  status: z.enum(ORDER_STATUSES).optional().catch(undefined),
  cursor: keysetCursorParam.optional().catch(undefined),
});
export type OwnOrderListFilter = z.infer<typeof ownOrderListFilterSchema>;

const listSchema = (pattern: RegExp, message: string) =>
  z
    .union([z.array(z.string()), z.string()])
    .transform((v) => (Array.isArray(v) ? v : v.split(/[\s,]+/)).map((s) => s.trim().toUpperCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(pattern, message)));

/** An empty form input means "not set". */
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const wholeNumberSchema = (min: number, max: number, message: string) => z.coerce.number({ message }).int(message).min(min, message).max(max, message);
const wholeNumber = (min: number, max: number, message: string) => z.preprocess(blankToUndefined, wholeNumberSchema(min, max, message).optional());
const wholeNumberOr = (fallback: number, min: number, max: number, message: string) =>
  z.preprocess(blankToUndefined, wholeNumberSchema(min, max, message).default(fallback));

/** The highest price per lead an order may bid: 1,000,000.00 (prices are stored in an Int column). */
export const MAX_ORDER_PRICE_CENTS = 100_000_000;

/** An amount typed as "30" or "30.50" (or given in cents as a number), 0.01 to 1,000,000.00. */
const amountCentsSchema = (message: string) =>
  z.union([z.number().int(), z.string()]).transform((v, ctx) => {
    const cents = typeof v === "number" ? v : parseAmountToCents(v);
    if (cents === null || cents <= 0) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    if (cents > MAX_ORDER_PRICE_CENTS) {
      ctx.addIssue({ code: "custom", message: "An amount is at most 1,000,000.00" });
      return z.NEVER;
    }
    return cents;
  });
const optionalAmountCents = (message: string) => z.preprocess(blankToUndefined, amountCentsSchema(message).optional());

// ───────────── filters ─────────────

/** A rule on any lead field: `{ field: "credit_rating", op: "in", values: ["good", "excellent"] }`. */
export const fieldRuleSchema = z
  .object({
    field: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, "Use the lead field's name, e.g. credit_rating"),
    op: z.enum(FIELD_RULE_OPERATORS, { message: "Choose how to compare the field" }),
    value: z.string().trim().max(200).optional(),
    values: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.op === "in" || rule.op === "not_in") {
      if (!rule.values?.length) ctx.addIssue({ code: "custom", path: ["values"], message: "List at least one value, comma-separated" });
    } else if (rule.op === "gte" || rule.op === "lte") {
      if (!rule.value || !Number.isFinite(Number(rule.value))) ctx.addIssue({ code: "custom", path: ["value"], message: "Compare with a number, e.g. 700" });
    } else if (rule.op !== "exists" && !rule.value) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "Enter the value to compare with" });
    }
  });
export type FieldRule = z.infer<typeof fieldRuleSchema>;

export const orderFiltersSchema = z.object({
  states: listSchema(/^[A-Z]{2}$/, "Use two-letter state codes, e.g. CA, TX").default([]),
  postalCodePrefixes: listSchema(/^[A-Z0-9]{1,10}$/, "Use postal code prefixes such as 941 or 100").default([]),
  minScore: wholeNumber(0, 100, "A minimum score is a whole number from 0 to 100"),
  temperatures: z.array(z.enum(TEMPERATURES, { message: "Choose cold, warm or hot" })).default([]),
  rules: z.array(fieldRuleSchema).max(20).default([]),
});
export type OrderFilters = z.infer<typeof orderFiltersSchema>;

export function orderFilters(json: unknown): OrderFilters {
  return orderFiltersSchema.parse(json ?? {});
}

/** One field rule in words: "credit_rating is one of good, excellent". */
export function describeFieldRule(rule: FieldRule): string {
  const label = FIELD_RULE_OPERATOR_LABELS[rule.op];
  if (rule.op === "exists") return `${rule.field} ${label}`;
  if (rule.op === "in" || rule.op === "not_in") return `${rule.field} ${label} ${(rule.values ?? []).join(", ")}`;
  return `${rule.field} ${label} ${rule.value}`;
}

// ───────────── time zone and schedule ─────────────

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z.string().trim().min(1, "Choose a time zone").refine(isValidTimeZone, "Choose a time zone such as America/New_York");

const clockTimeSchema = (allowEndOfDay: boolean) =>
  z
    .string()
    .trim()
    .regex(allowEndOfDay ? /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/ : /^(?:[01]\d|2[0-3]):[0-5]\d$/, "Use a 24-hour time such as 09:00");

/**
 * When an order takes leads, in its time zone: on these weekdays, from `from` (inclusive) to `to`
 * (exclusive). A window whose end is before its start crosses midnight (22:00-06:00 runs into the
 * next day, which belongs to the day it started).
 */
export const orderScheduleSchema = z
  .object({
    days: z
      .array(z.coerce.number().int().min(1).max(7))
      .min(1, "Choose at least one day")
      .transform((days) => [...new Set(days)].sort((a, b) => a - b)),
    from: clockTimeSchema(false),
    to: clockTimeSchema(true),
  })
  .refine((s) => s.from !== s.to, { path: ["to"], message: "The window must not be empty; use 00:00 to 24:00 for the whole day" });
export type OrderSchedule = z.infer<typeof orderScheduleSchema>;

export function orderSchedule(json: unknown): OrderSchedule | null {
  return json === null || json === undefined ? null : orderScheduleSchema.parse(json);
}

function describeDays(days: readonly number[]): string {
  if (days.length === 7) return "every day";
  const runs: number[][] = [];
  for (const day of days) {
    const run = runs.at(-1);
    if (run && run.at(-1) === day - 1) run.push(day);
    else runs.push([day]);
  }
  return runs
    .map((run) => (run.length >= 3 ? `${WEEKDAY_NAMES[run[0] - 1]}-${WEEKDAY_NAMES[run.at(-1)! - 1]}` : run.map((d) => WEEKDAY_NAMES[d - 1]).join(", ")))
    .join(", ");
}

/** "Mon-Fri 09:00-17:00 America/New_York". */
export function describeSchedule(schedule: OrderSchedule, timezone: string): string {
  return `${describeDays(schedule.days)} ${schedule.from}-${schedule.to} ${timezone}`;
}

// ───────────── pricing on temperature and score ─────────────

export const orderPricingSchema = z.object({
  /** Price per lead by temperature; a temperature left out pays the order's base price. */
  temperature: z
    .object({
      COLD: optionalAmountCents("Enter a price such as 15 or 15.50"),
      WARM: optionalAmountCents("Enter a price such as 30 or 30.50"),
      HOT: optionalAmountCents("Enter a price such as 45 or 45.50"),
    })
    .partial()
    .optional(),
  /** Extra paid for a lead scoring at least `minScore`. */
  scoreBonus: z
    .object({
      minScore: z.coerce.number({ message: "A score is a whole number from 0 to 100" }).int().min(0).max(100, "A score is a whole number from 0 to 100"),
      extraCents: amountCentsSchema("Enter an extra amount such as 5 or 5.50"),
    })
    .optional(),
});
export type OrderPricing = z.infer<typeof orderPricingSchema>;

export function orderPricing(json: unknown): OrderPricing {
  return orderPricingSchema.parse(json ?? {});
}

/** "Hot $45.00, cold $15.00; +$5.00 from score 80", or null when the order pays its base price. */
export function describePricing(pricing: OrderPricing, currency: string): string | null {
  const parts: string[] = [];
  const byTemperature = [...TEMPERATURES]
    .reverse()
    .filter((t) => pricing.temperature?.[t] !== undefined)
    .map((t) => `${t.toLowerCase()} ${formatMoney(pricing.temperature![t]!, currency)}`)
    .join(", ");
  if (byTemperature) parts.push(byTemperature);
  if (pricing.scoreBonus) parts.push(`+${formatMoney(pricing.scoreBonus.extraCents, currency)} from score ${pricing.scoreBonus.minScore}`);
  return parts.length > 0 ? parts.join("; ") : null;
}

// ───────────── the order ─────────────

const httpUrlSchema = (message: string) =>
  z
    .string()
    .trim()
    .max(2000, message)
    .refine((v) => {
      try {
        const url = new URL(v);
        return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
      } catch {
        return false;
      }
    }, message);
const optionalHttpUrl = (message: string) => z.preprocess(blankToUndefined, httpUrlSchema(message).optional());

export const ENTER_A_PRICE = "Enter a price such as 30 or 30.50";

export const createOrderSchema = z
  .object({
    offerId: z.string().min(1, "Choose an offer"),
    // CPL: the price per lead (required there); CPA/CPS orders pay the offer's terms per conversion.
    priceCents: z.preprocess(
      blankToUndefined,
      z
        .union([z.number().int(), z.string()])
        .transform((v, ctx) => {
          const cents = typeof v === "number" ? v : parseAmountToCents(v);
          if (cents === null || cents <= 0) {
            ctx.addIssue({ code: "custom", message: ENTER_A_PRICE });
            return z.NEVER;
          }
          if (cents > MAX_ORDER_PRICE_CENTS) {
            ctx.addIssue({ code: "custom", message: "A price per lead is at most 1,000,000.00" });
            return z.NEVER;
          }
          return cents;
        })
        .optional(),
    ),
    // CPA/CPS: what the wallet must cover before a lead is delivered (empty: one action's payout).
    reserveCents: optionalAmountCents("Enter a reserve such as 50 or 50.00"),
    hourlyCap: wholeNumber(1, 100_000, "An hourly cap is a whole number of leads, at least 1"),
    dailyCap: wholeNumber(1, 100_000, "A daily cap is at least 1 lead"),
    monthlyCap: wholeNumber(1, 10_000_000, "A monthly cap is a whole number of leads, at least 1"),
    hourlySpendCapCents: optionalAmountCents("Enter an hourly spend cap such as 100 or 100.50"),
    dailySpendCapCents: optionalAmountCents("Enter a daily spend cap such as 100 or 100.50"),
    monthlySpendCapCents: optionalAmountCents("Enter a monthly spend cap such as 1000 or 1000.50"),
    timezone: timeZoneSchema.default("UTC"),
    schedule: orderScheduleSchema.nullable().default(null),
    filters: orderFiltersSchema.default({ states: [], postalCodePrefixes: [], temperatures: [], rules: [] }),
    pricing: orderPricingSchema.default({}),
    priority: wholeNumberOr(0, 0, 1000, "Priority is a whole number from 0 to 1000"),
    weight: wholeNumberOr(1, 1, 1000, "Weight is a whole number from 1 to 1000"),
    delivery: z.enum(DELIVERY_METHODS, { message: "Choose portal, CSV or webhook delivery" }).default("PORTAL"),
    webhookUrl: optionalHttpUrl("Enter your CRM's http(s) URL, e.g. https://crm.example.com/leads"),
    pingUrl: optionalHttpUrl("Enter your ping endpoint's http(s) URL"),
    postUrl: optionalHttpUrl("Enter your post endpoint's http(s) URL"),
  })
  .superRefine((order, ctx) => {
    if (order.delivery === "WEBHOOK" && !order.webhookUrl) {
      ctx.addIssue({ code: "custom", path: ["webhookUrl"], message: "Webhook delivery needs your CRM's http(s) URL" });
    }
    if (order.pingUrl && !order.postUrl) ctx.addIssue({ code: "custom", path: ["postUrl"], message: "An external buyer needs a post URL too" });
    if (order.postUrl && !order.pingUrl) ctx.addIssue({ code: "custom", path: ["pingUrl"], message: "An external buyer needs a ping URL too" });
  });
export type CreateOrderInput = z.input<typeof createOrderSchema>;
export type CreateOrderData = z.output<typeof createOrderSchema>;

/**
 * The pause / resume / close buttons. Closing is final, so it takes a second step: the form that
 * says "This cannot be undone" sends `confirm=yes`; without it the page asks first.
 */
export const orderStatusFormSchema = z.object({
  orderId: z.string().min(1, "Choose an order"),
  status: z.enum(ORDER_STATUSES, { message: "Choose open, paused or closed" }),
  confirm: z.literal("yes").optional().catch(undefined),
});

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

function texts(form: FormData, name: string): string[] {
  return form.getAll(name).filter((v): v is string => typeof v === "string");
}

/** The order form's rule rows that were filled in (a row with no field and no value is left out). */
function fieldRulesFromForm(form: FormData) {
  const rules = [];
  for (let row = 0; row < ORDER_FORM_RULE_ROWS; row++) {
    const field = text(form, `rule${row}Field`).trim();
    const op = text(form, `rule${row}Op`);
    const value = text(form, `rule${row}Value`).trim();
    if (!field && !value) continue;
    rules.push(
      op === "in" || op === "not_in"
        ? {
            field,
            op,
            values: value
              .split(",")
              .map((v) => v.trim())
              .filter(Boolean),
          }
        : { field, op, value: value || undefined },
    );
  }
  return rules;
}

/** Maps the order form (no JavaScript: flat inputs, checkboxes, a few rule rows) to schema input. */
export function orderFormToInput(form: FormData): Record<string, unknown> {
  const scheduleDays = texts(form, "scheduleDays");
  const scheduleFrom = text(form, "scheduleFrom").trim();
  const scheduleTo = text(form, "scheduleTo").trim();
  const bonusMinScore = text(form, "bonusMinScore").trim();
  const bonusExtra = text(form, "bonusExtra").trim();
  return {
    offerId: text(form, "offerId"),
    priceCents: text(form, "price"),
    reserveCents: text(form, "reserve"),
    hourlyCap: text(form, "hourlyCap"),
    dailyCap: text(form, "dailyCap"),
    monthlyCap: text(form, "monthlyCap"),
    hourlySpendCapCents: text(form, "hourlySpendCap"),
    dailySpendCapCents: text(form, "dailySpendCap"),
    monthlySpendCapCents: text(form, "monthlySpendCap"),
    timezone: text(form, "timezone") || undefined,
    schedule: scheduleDays.length === 0 && !scheduleFrom && !scheduleTo ? null : { days: scheduleDays, from: scheduleFrom, to: scheduleTo },
    filters: {
      states: text(form, "states"),
      postalCodePrefixes: text(form, "postalCodePrefixes"),
      minScore: text(form, "minScore"),
      temperatures: texts(form, "temperatures"),
      rules: fieldRulesFromForm(form),
    },
    pricing: {
      temperature: Object.fromEntries(TEMPERATURES.map((t) => [t, text(form, TEMPERATURE_PRICE_INPUTS[t])])),
      scoreBonus: bonusMinScore || bonusExtra ? { minScore: bonusMinScore, extraCents: bonusExtra } : undefined,
    },
    priority: text(form, "priority"),
    weight: text(form, "weight"),
    delivery: text(form, "delivery") || undefined,
    webhookUrl: text(form, "webhookUrl"),
    pingUrl: text(form, "pingUrl"),
    postUrl: text(form, "postUrl"),
  };
}

/** What was typed, to refill the form after an error; checkbox groups are joined with commas. */
export function orderFormValues(form: FormData): Record<string, string> {
  return { ...formValues(form), scheduleDays: texts(form, "scheduleDays").join(","), temperatures: texts(form, "temperatures").join(",") };
}

/** What the orders page shows of an order's settings, in words. */
export interface OrderSettingsSummary {
  caps: string[];
  schedule: string;
  filters: string[];
  pricing: string | null;
  delivery: string;
  ranking: string;
}

export interface OrderSettingsRow {
  currency: string;
  hourlyCap: number | null;
  dailyCap: number | null;
  monthlyCap: number | null;
  hourlySpendCapCents: number | null;
  dailySpendCapCents: number | null;
  monthlySpendCapCents: number | null;
  timezone: string;
  schedule: unknown;
  filters: unknown;
  pricing: unknown;
  priority: number;
  weight: number;
  delivery: DeliveryMethodValue;
  webhookUrl: string | null;
  pingUrl: string | null;
}

export function summarizeOrderSettings(order: OrderSettingsRow): OrderSettingsSummary {
  const caps = (
    [
      ["hour", order.hourlyCap, order.hourlySpendCapCents],
      ["day", order.dailyCap, order.dailySpendCapCents],
      ["month", order.monthlyCap, order.monthlySpendCapCents],
    ] as const
  ).flatMap(([period, count, spend]) => [
    ...(count !== null ? [`${count} leads per ${period}`] : []),
    ...(spend !== null ? [`${formatMoney(spend, order.currency)} per ${period}`] : []),
  ]);
  const schedule = orderSchedule(order.schedule);
  const filters = orderFiltersSchema.safeParse(order.filters ?? {});
  const f = filters.success ? filters.data : orderFilters({});
  const pricing = orderPricingSchema.safeParse(order.pricing ?? {});
  return {
    caps: caps.length > 0 ? [...caps, `Counted in ${order.timezone}`] : [],
    schedule: schedule ? describeSchedule(schedule, order.timezone) : "Any time",
    filters: [
      ...(f.states.length > 0 ? [`States: ${f.states.join(", ")}`] : []),
      ...(f.postalCodePrefixes.length > 0 ? [`Postal codes: ${f.postalCodePrefixes.map((p) => `${p}…`).join(", ")}`] : []),
      ...(f.minScore !== undefined ? [`Score at least ${f.minScore}`] : []),
      ...(f.temperatures.length > 0 ? [`Temperature: ${f.temperatures.map((t) => t.toLowerCase()).join(", ")}`] : []),
      ...f.rules.map(describeFieldRule),
    ],
    pricing: pricing.success ? describePricing(pricing.data, order.currency) : null,
    delivery: `${DELIVERY_METHOD_LABELS[order.delivery]}${order.delivery === "WEBHOOK" && order.webhookUrl ? ` (${order.webhookUrl})` : ""}${order.pingUrl ? "; external ping-post buyer" : ""}`,
    ranking: `Priority ${order.priority}, weight ${order.weight}`,
  };
}
