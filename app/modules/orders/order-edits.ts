import { TEMPERATURES } from "~/modules/quality/quality.schema";
import { centsToDecimal, formatMoney } from "~/utils/money";
import {
  DELIVERY_METHOD_LABELS,
  describeFieldRule,
  describePricing,
  describeSchedule,
  orderFiltersSchema,
  orderPricingSchema,
  orderScheduleSchema,
  TEMPERATURE_PRICE_INPUTS,
  type DeliveryMethodValue,
  type OrderFilters,
  type OrderPricing,
  type OrderSchedule,
  type OrderSettingsRow,
} from "./orders.schema";

// An order's settings as the edit form shows them, and each saved change in words for the
// order's history (the audit rows keep the columns before and after).

/** The columns an advertiser may change on an order after opening it (the offer and currency are fixed). */
export const EDITABLE_ORDER_FIELDS = [
  "priceCents",
  "reserveCents",
  "pricing",
  "hourlyCap",
  "dailyCap",
  "monthlyCap",
  "hourlySpendCapCents",
  "dailySpendCapCents",
  "monthlySpendCapCents",
  "timezone",
  "schedule",
  "filters",
  "priority",
  "weight",
  "delivery",
  "webhookUrl",
  "pingUrl",
  "postUrl",
] as const;
export type EditableOrderField = (typeof EDITABLE_ORDER_FIELDS)[number];
export type EditableOrderValues = Record<EditableOrderField, unknown>;

const FIELD_LABELS: Record<EditableOrderField, string> = {
  priceCents: "Price per lead",
  reserveCents: "Reserve",
  pricing: "Price by temperature and score",
  hourlyCap: "Leads per hour",
  dailyCap: "Leads per day",
  monthlyCap: "Leads per month",
  hourlySpendCapCents: "Spend per hour",
  dailySpendCapCents: "Spend per day",
  monthlySpendCapCents: "Spend per month",
  timezone: "Time zone",
  schedule: "Schedule",
  filters: "Filters",
  priority: "Priority",
  weight: "Weight",
  delivery: "Delivery",
  webhookUrl: "CRM webhook URL",
  pingUrl: "External buyer: ping URL",
  postUrl: "External buyer: post URL",
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * JSON with its object keys sorted (Postgres jsonb does not keep the order they were written in)
 * and empty parts left out (`{ temperature: {} }` says what `{}` says).
 */
function canonical(value: unknown): string {
  const tidy = (v: unknown): unknown => {
    if (!isPlainObject(v)) return v;
    const entries = Object.entries(v)
      .map(([key, inner]) => [key, tidy(inner)] as const)
      .filter(([, inner]) => inner !== undefined && !(isPlainObject(inner) && Object.keys(inner).length === 0))
      .sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(entries);
  };
  return JSON.stringify(tidy(value ?? null));
}

/** The editable columns whose value differs, with what they were and what they become. */
export function changedOrderFields(before: EditableOrderValues, after: EditableOrderValues) {
  const changed = EDITABLE_ORDER_FIELDS.filter((field) => canonical(before[field]) !== canonical(after[field]));
  const pick = (values: EditableOrderValues) => Object.fromEntries(changed.map((field) => [field, JSON.parse(canonical(values[field])) as unknown]));
  return { changed, before: pick(before), after: pick(after) };
}

function describeFilters(filters: OrderFilters): string {
  const parts = [
    ...(filters.states.length > 0 ? [`states ${filters.states.join(", ")}`] : []),
    ...(filters.postalCodePrefixes.length > 0 ? [`postal codes ${filters.postalCodePrefixes.join(", ")}`] : []),
    ...(filters.minScore !== undefined ? [`score at least ${filters.minScore}`] : []),
    ...(filters.temperatures.length > 0 ? [`temperature ${filters.temperatures.map((t) => t.toLowerCase()).join(", ")}`] : []),
    ...filters.rules.map(describeFieldRule),
  ];
  return parts.length > 0 ? parts.join("; ") : "none";
}

/** One column's value in words: "$30.00", "20", "Mon-Fri 09:00-17:00", "none". */
export function describeOrderValue(field: EditableOrderField, value: unknown, currency: string, timezone: string): string {
  if (value === null || value === undefined || value === "") return "none";
  switch (field) {
    case "priceCents":
    case "reserveCents":
    case "hourlySpendCapCents":
    case "dailySpendCapCents":
    case "monthlySpendCapCents":
      return typeof value === "number" ? formatMoney(value, currency) : String(value);
    case "pricing": {
      const pricing = orderPricingSchema.safeParse(value);
      return pricing.success ? (describePricing(pricing.data, currency) ?? "the base price") : "unreadable";
    }
    case "schedule": {
      const schedule = orderScheduleSchema.safeParse(value);
      return schedule.success ? describeSchedule(schedule.data, timezone) : "unreadable";
    }
    case "filters": {
      const filters = orderFiltersSchema.safeParse(value);
      return filters.success ? describeFilters(filters.data) : "unreadable";
    }
    case "delivery":
      return DELIVERY_METHOD_LABELS[value as DeliveryMethodValue] ?? String(value);
    default:
      return String(value);
  }
}

/** An audit row's change in words, one line per column: "Price per lead: $30.00 → $35.00". */
export function describeOrderChange(data: unknown, currency: string, timezone: string): string[] {
  if (!data || typeof data !== "object") return [];
  const { before, after } = data as { before?: Record<string, unknown>; after?: Record<string, unknown> };
  if (!before || !after) return [];
  return EDITABLE_ORDER_FIELDS.filter((field) => field in after).map(
    (field) =>
      `${FIELD_LABELS[field]}: ${describeOrderValue(field, before[field], currency, timezone)} → ${describeOrderValue(field, after[field], currency, timezone)}`,
  );
}

type OrderFormSource = OrderSettingsRow & { priceCents: number; reserveCents: number | null; postUrl: string | null };

/** An order's settings as the order form's inputs, to edit it (the same names the form sends). */
export function orderFormValuesOf(order: OrderFormSource): Record<string, string> {
  const money = (cents: number | null | undefined) => (cents === null || cents === undefined ? "" : centsToDecimal(cents));
  const count = (n: number | null) => (n === null ? "" : String(n));
  const schedule: OrderSchedule | null = orderScheduleSchema.safeParse(order.schedule).data ?? null;
  const filters = orderFiltersSchema.safeParse(order.filters ?? {}).data ?? { states: [], postalCodePrefixes: [], temperatures: [], rules: [] };
  const pricing: OrderPricing = orderPricingSchema.safeParse(order.pricing ?? {}).data ?? {};
  const values: Record<string, string> = {
    price: order.priceCents > 0 ? centsToDecimal(order.priceCents) : "",
    reserve: money(order.reserveCents),
    bonusMinScore: pricing.scoreBonus ? String(pricing.scoreBonus.minScore) : "",
    bonusExtra: money(pricing.scoreBonus?.extraCents),
    hourlyCap: count(order.hourlyCap),
    dailyCap: count(order.dailyCap),
    monthlyCap: count(order.monthlyCap),
    hourlySpendCap: money(order.hourlySpendCapCents),
    dailySpendCap: money(order.dailySpendCapCents),
    monthlySpendCap: money(order.monthlySpendCapCents),
    timezone: order.timezone,
    scheduleDays: schedule ? schedule.days.join(",") : "",
    scheduleFrom: schedule?.from ?? "",
    scheduleTo: schedule?.to ?? "",
    states: filters.states.join(", "),
    postalCodePrefixes: filters.postalCodePrefixes.join(", "),
    minScore: filters.minScore === undefined ? "" : String(filters.minScore),
    temperatures: filters.temperatures.join(","),
    priority: String(order.priority),
    weight: String(order.weight),
    delivery: order.delivery,
    webhookUrl: order.webhookUrl ?? "",
    pingUrl: order.pingUrl ?? "",
    postUrl: order.postUrl ?? "",
  };
  for (const t of TEMPERATURES) values[TEMPERATURE_PRICE_INPUTS[t]] = money(pricing.temperature?.[t]);
  filters.rules.forEach((rule, row) => {
    values[`rule${row}Field`] = rule.field;
    values[`rule${row}Op`] = rule.op;
    values[`rule${row}Value`] = rule.op === "in" || rule.op === "not_in" ? (rule.values ?? []).join(", ") : (rule.value ?? "");
  });
  return values;
}
