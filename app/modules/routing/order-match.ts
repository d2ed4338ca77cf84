import { describeFieldRule, describeSchedule, orderFilters, orderSchedule, type FieldRule } from "~/modules/orders/orders.schema";
import type { TemperatureValue } from "~/modules/quality/quality.constants";
import { zonedClock } from "./zoned-time";

/** What the order filters read of a lead (or of a ping, which carries only non-personal fields). */
export interface FilterableLead {
  state: string | null;
  postalCode: string | null;
  qualityScore?: number | null;
  temperature?: TemperatureValue | null;
  fields?: Record<string, unknown>;
}

function fieldText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === "string" ? value.trim() : String(value);
  return text === "" ? null : text;
}

const same = (a: string, b: string) => a.localeCompare(b, "en", { sensitivity: "base" }) === 0;

/** Why one field rule refuses the lead, or null. A missing field fails every rule but "is not" / "is none of". */
function fieldRuleMismatch(rule: FieldRule, fields: Record<string, unknown>): string | null {
  const actual = fieldText(fields[rule.field]);
  const refuse = () => `field ${rule.field} is ${actual === null ? "missing" : `"${actual}"`}, wanted ${describeFieldRule(rule)}`;
  switch (rule.op) {
    case "exists":
      return actual === null ? refuse() : null;
    case "neq":
      return actual !== null && same(actual, rule.value!) ? refuse() : null;
    case "not_in":
      return actual !== null && rule.values!.some((v) => same(actual, v)) ? refuse() : null;
    case "eq":
      return actual !== null && same(actual, rule.value!) ? null : refuse();
    case "in":
      return actual !== null && rule.values!.some((v) => same(actual, v)) ? null : refuse();
    case "contains":
      return actual !== null && actual.toLowerCase().includes(rule.value!.toLowerCase()) ? null : refuse();
    case "gte":
    case "lte": {
      const number = actual === null ? NaN : Number(actual);
      if (!Number.isFinite(number)) return refuse();
      const limit = Number(rule.value);
      return (rule.op === "gte" ? number >= limit : number <= limit) ? null : refuse();
    }
  }
}

/** Why an order's filters refuse a lead, or null when they accept it. */
export function filterMismatch(filtersJson: unknown, lead: FilterableLead): string | null {
  const filters = orderFilters(filtersJson);
  if (filters.states.length > 0 && !(lead.state && filters.states.includes(lead.state))) {
    return `state ${lead.state ?? "(none)"} not in ${filters.states.join(", ")}`;
  }
  if (filters.postalCodePrefixes.length > 0 && !(lead.postalCode && filters.postalCodePrefixes.some((p) => lead.postalCode!.startsWith(p)))) {
    return `postal code ${lead.postalCode ?? "(none)"} does not start with ${filters.postalCodePrefixes.join(", ")}`;
  }
  const score = lead.qualityScore ?? null;
  if (filters.minScore !== undefined && (score === null || score < filters.minScore)) {
    return `score ${score ?? "(none)"} is below the minimum ${filters.minScore}`;
  }
  if (filters.temperatures.length > 0 && !(lead.temperature && filters.temperatures.includes(lead.temperature))) {
    const wanted = filters.temperatures.map((t) => t.toLowerCase()).join(", ");
    return `temperature ${lead.temperature?.toLowerCase() ?? "(none)"} not in ${wanted}`;
  }
  for (const rule of filters.rules) {
    const mismatch = fieldRuleMismatch(rule, lead.fields ?? {});
    if (mismatch) return mismatch;
  }
  return null;
}

/**
 * Why the order's delivery schedule refuses a lead at `now`, or null inside it. A window that
 * crosses midnight belongs to the day it started: Fri 22:00-06:00 covers Saturday 03:00.
 */
export function scheduleMismatch(scheduleJson: unknown, timezone: string, now: Date): string | null {
  const schedule = orderSchedule(scheduleJson);
  if (!schedule) return null;
  const clock = zonedClock(now, timezone);
  const minute = clock.hour * 60 + clock.minute;
  const [from, to] = [schedule.from, schedule.to].map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));
  const today = schedule.days.includes(clock.weekday);
  const yesterday = schedule.days.includes(clock.weekday === 1 ? 7 : clock.weekday - 1);
  const open = from < to ? today && minute >= from && minute < to : (today && minute >= from) || (yesterday && minute < to);
  return open ? null : `outside delivery schedule: ${describeSchedule(schedule, timezone)}`;
}
