import type { CheckResult, LeadConsent, LeadScore, LeadSignals, ScoreReason, TemperatureValue } from "./quality.schema";
import {
  DAYS_PER_UNIT,
  FIELD_NAMES,
  GOOD_CREDIT_SCORE,
  GOOD_CREDIT_WORDS,
  HIGH_NEED_WORDS,
  INCOME_THRESHOLD,
  LOW_NEED_WORDS,
  MEDIUM_NEED_WORDS,
  MONTH_PATTERN,
  NO_WORDS,
  NOW_PATTERN,
  PAGES,
  POINTS,
  PRIME_AGE,
  RESEARCHING_PATTERN,
  SHARED_WORDS,
  TIME_ON_FORM,
  TIMELINE_LABELS,
  TIMELINE_POINTS,
  YES_WORDS,
  type TimelineStage,
} from "./scoring-model";

/** Everything the score is computed from: normalised fields, activity, consent and the checks' findings. */
export interface ScoreInput {
  fields: Record<string, string>;
  signals: LeadSignals;
  consent: LeadConsent | null;
  checks: CheckResult[];
}

type Level = "high" | "medium" | "low";
type Authority = "yes" | "shared" | "no";

/**
 * Quality score 0-100 with the weighted reasons that made it, and a temperature.
 * Pure: the same input always gives the same score. The reasons' points always sum to the score.
 */
export function scoreLead(input: ScoreInput): LeadScore {
  const fields = fieldReader(input.fields);
  const intent = readIntent(fields);
  const reasons: ScoreReason[] = [
    ...contactReasons(fields),
    ...contactQualityReasons(input.checks),
    ...intent.reasons,
    ...activityReasons(input.signals),
    ...demographicReasons(fields),
    ...consentReasons(input.consent),
  ];
  const temperature = adjustedTemperature(temperatureOf(intent.timeline, intent.need, intent.authority), intent.timeline, reasons);
  if (temperature.why) reasons.push({ code: "temperature_adjusted", points: 0, detail: temperature.why });
  const sum = reasons.reduce((total, r) => total + r.points, 0);
  // Held checks can push the sum below 0: a balancing reason keeps "points sum to the score" true.
  if (sum < 0) reasons.push({ code: "floor", points: -sum, detail: "A score is never below 0" });
  if (sum > 100) reasons.push({ code: "ceiling", points: 100 - sum, detail: "A score is never above 100" });
  return {
    score: Math.min(100, Math.max(0, sum)),
    reasons,
    temperature: temperature.value,
  };
}

const TEMPERATURE_STEPS: readonly TemperatureValue[] = ["COLD", "WARM", "HOT"];
const ENGAGED_ACTIVITY = new Set(["time_on_form_engaged", "pages_viewed_some", "pages_viewed_many"]);
const DEMOGRAPHIC_FIT = new Set(["homeowner", "good_credit", "income", "age"]);

/**
 * The intent's temperature moved one step by the other signals (docs/architecture.md): colder
 * when the form was rushed or the person has no budget; warmer when a budget, engaged activity and
 * a demographic fit all back it up (never for someone only researching).
 */
function adjustedTemperature(base: TemperatureValue, timeline: TimelineStage | null, reasons: ScoreReason[]): { value: TemperatureValue; why: string | null } {
  const has = (code: string) => reasons.some((r) => r.code === code);
  const cooling = [has("time_on_form_too_fast") && "the form was rushed", has("budget_none") && "no budget"].filter(Boolean);
  const warming =
    timeline !== "researching" && has("budget") && reasons.some((r) => ENGAGED_ACTIVITY.has(r.code)) && reasons.some((r) => DEMOGRAPHIC_FIT.has(r.code));
  const step = cooling.length > 0 ? -1 : warming ? 1 : 0;
  const value = TEMPERATURE_STEPS[Math.min(2, Math.max(0, TEMPERATURE_STEPS.indexOf(base) + step))];
  if (value === base) return { value, why: null };
  const why = step < 0 ? cooling.join(" and ") : "a budget, engaged activity and a demographic fit";
  return { value, why: `Temperature ${value.toLowerCase()}, not ${base.toLowerCase()} as its intent alone says: ${why}` };
}

/**
 * The temperature from the intent signals (the table in docs/architecture.md, "Score and temperature"):
 * mainly how soon the person buys, raised or lowered by their need and authority.
 */
export function temperatureOf(timeline: TimelineStage | null, need: Level | null, authority: Authority | null): TemperatureValue {
  const strong = need === "high" && authority === "yes";
  switch (timeline) {
    case "now":
      return authority === "no" ? "WARM" : "HOT";
    case "month":
      return strong ? "HOT" : "WARM";
    case "quarter":
      return "WARM";
    case "half_year":
    case "later":
    case "researching":
      return "COLD";
    case null:
      return strong ? "WARM" : "COLD";
  }
}

// ───────────── field reading ─────────────

type FieldReader = (names: readonly string[]) => string | null;

/** Finds a field by any of its common names, whatever the posted case or separators. */
function fieldReader(fields: Record<string, string>): FieldReader {
  const byKey = new Map<string, string>();
  for (const [name, value] of Object.entries(fields)) {
    const key = name
      .replace(/([a-z])([A-Z])/g, "$1_$2")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_");
    const text = String(value ?? "").trim();
    if (text !== "" && !byKey.has(key)) byKey.set(key, text);
  }
  return (names) => {
    for (const name of names) {
      const value = byKey.get(name);
      if (value !== undefined) return value;
    }
    return null;
  };
}

/** "yes", "Yes - sole owner", "no, my spouse decides": the word list whose word starts the value. */
function startsWithWord(value: string, words: readonly string[]): boolean {
  const text = value.trim().toLowerCase();
  return words.some((w) => text === w || (text.startsWith(w) && /[^a-z]/.test(text.charAt(w.length))));
}

function readYesNo(value: string): Authority | null {
  if (startsWithWord(value, YES_WORDS) || /decision[ -]?maker/.test(value.toLowerCase())) {
    return /\bnot\b/.test(value.toLowerCase()) ? "no" : "yes";
  }
  if (startsWithWord(value, SHARED_WORDS)) return "shared";
  if (startsWithWord(value, NO_WORDS)) return "no";
  return null;
}

function readLevel(value: string): Level | null {
  if (startsWithWord(value, HIGH_NEED_WORDS)) return "high";
  if (startsWithWord(value, MEDIUM_NEED_WORDS)) return "medium";
  if (startsWithWord(value, LOW_NEED_WORDS)) return "low";
  return null;
}

/** Amounts in a value such as "5000", "$5,000 - $10,000", "10k-20k", "under 500": the largest, or null. */
export function readAmount(value: string): number | null {
  const text = value.toLowerCase().replace(/[$€£,\s]/g, "");
  const amounts = [...text.matchAll(/(\d+(?:\.\d+)?)(k|m)?/g)].map(([, n, unit]) => Number(n) * (unit === "k" ? 1_000 : unit === "m" ? 1_000_000 : 1));
  return amounts.length > 0 ? Math.max(...amounts) : null;
}

/** How soon the person buys: "immediately", "this week", "1 month", "1-3 months", "6+ months", "researching" ... */
export function readTimeline(value: string): TimelineStage | null {
  const text = value
    .trim()
    .toLowerCase()
    .replace(/\b(a|an|one)\s+(day|week|month|year)/g, "1 $2")
    .replace(/\btwo\b/g, "2")
    .replace(/\bthree\b/g, "3")
    .replace(/\bsix\b/g, "6")
    .replace(/\btwelve\b/g, "12");
  if (text === "") return null;
  if (RESEARCHING_PATTERN.test(text)) return "researching";
  if (NOW_PATTERN.test(text)) return "now";
  if (MONTH_PATTERN.test(text)) return "month";
  const span = /(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?))?\s*(\+)?\s*(day|week|month|year)s?\b\s*(\+|or more|plus)?/.exec(text);
  if (!span) return null;
  const [, from, to, plusBefore, unit, plusAfter] = span;
  const days = Number(to ?? from) * DAYS_PER_UNIT[unit as keyof typeof DAYS_PER_UNIT];
  const openEnded = Boolean(plusBefore || plusAfter) || /\b(more than|over|after|beyond|later than)\b/.test(text);
  const horizon = openEnded ? days + 1 : days;
  if (horizon <= 7) return "now";
  if (horizon <= 31) return "month";
  if (horizon <= 92) return "quarter";
  if (horizon <= 180) return "half_year";
  return "later";
}

// ───────────── the groups ─────────────

function contactReasons(field: FieldReader): ScoreReason[] {
  const reasons: ScoreReason[] = [];
  if (field(FIELD_NAMES.email)) reasons.push({ code: "email", points: POINTS.email, detail: "Email address given" });
  if (field(FIELD_NAMES.phone)) reasons.push({ code: "phone", points: POINTS.phone, detail: "Phone number given" });
  const first = field(FIELD_NAMES.firstName);
  const last = field(FIELD_NAMES.lastName);
  const full = field(FIELD_NAMES.fullName);
  if ((first && last) || (full && full.includes(" "))) {
    reasons.push({ code: "full_name", points: POINTS.fullName, detail: "First and last name given" });
  } else if (first || full) {
    reasons.push({ code: "first_name_only", points: POINTS.firstNameOnly, detail: "Only a first name given" });
  }
  if (field(FIELD_NAMES.location)) reasons.push({ code: "location", points: POINTS.location, detail: "Postal code, state or address given" });
  return reasons;
}

function contactQualityReasons(checks: CheckResult[]): ScoreReason[] {
  const reasons: ScoreReason[] = [];
  const passed = checks.filter((c) => c.outcome === "pass");
  const phone = passed.find((c) => c.code.startsWith("phone"));
  if (phone) {
    reasons.push(
      phone.data?.lineType === "MOBILE"
        ? { code: "phone_mobile", points: POINTS.phoneMobile, detail: "Phone is a valid mobile line" }
        : { code: "phone_verified", points: POINTS.phoneVerified, detail: "Phone is a valid number" },
    );
  }
  if (passed.some((c) => c.code.startsWith("email"))) {
    reasons.push({ code: "email_verified", points: POINTS.emailVerified, detail: "Email address passed its checks" });
  }
  const flagged = checks.filter((c) => c.outcome === "hold" || c.outcome === "fail");
  if (checks.some((c) => c.outcome !== "skip") && flagged.length === 0) {
    reasons.push({ code: "checks_clean", points: POINTS.checksClean, detail: "Every verification check passed" });
  }
  for (const check of flagged) {
    const held = check.outcome === "hold";
    reasons.push({
      code: held ? "check_held" : "check_failed",
      points: held ? POINTS.checkHeld : POINTS.checkFailed,
      detail: `Check ${check.code} ${held ? "held" : "failed"}: ${check.reason ?? check.detail}`,
    });
  }
  return reasons;
}

function readIntent(field: FieldReader) {
  const reasons: ScoreReason[] = [];

  const timelineText = field(FIELD_NAMES.timeline);
  const timeline = timelineText === null ? null : readTimeline(timelineText);
  if (timeline) {
    reasons.push({ code: `timeline_${timeline}`, points: TIMELINE_POINTS[timeline], detail: `Timeline "${timelineText}": ${TIMELINE_LABELS[timeline]}` });
  } else if (timelineText !== null) {
    reasons.push({ code: "timeline_unclear", points: 0, detail: `Timeline "${timelineText}" not understood` });
  }

  const needText = field(FIELD_NAMES.need);
  const need = needText === null ? null : readLevel(needText);
  if (needText !== null) {
    // Any other stated need (a product, a reason) counts as a medium need.
    const level = need ?? "medium";
    reasons.push({ code: `need_${level}`, points: POINTS.need[level], detail: `Need "${needText}": ${level}` });
  }

  const authorityText = field(FIELD_NAMES.authority);
  const authority = authorityText === null ? null : readYesNo(authorityText);
  if (authority) {
    const label = { yes: "decision maker", shared: "shares the decision", no: "not the decision maker" }[authority];
    reasons.push({ code: `authority_${authority}`, points: POINTS.authority[authority], detail: `Authority "${authorityText}": ${label}` });
  }

  const budgetText = field(FIELD_NAMES.budget);
  if (budgetText !== null) {
    const amount = readAmount(budgetText);
    if (amount !== null && amount > 0) reasons.push({ code: "budget", points: POINTS.budget, detail: `Budget stated: ${budgetText}` });
    else if (amount === 0 || startsWithWord(budgetText, NO_WORDS)) reasons.push({ code: "budget_none", points: 0, detail: `No budget: ${budgetText}` });
  }

  return { reasons, timeline, need: needText === null ? null : (need ?? "medium"), authority };
}

function activityReasons(signals: LeadSignals): ScoreReason[] {
  const reasons: ScoreReason[] = [];
  const seconds = signals.timeOnFormSeconds;
  if (seconds !== undefined) {
    const shown = `${Math.round(seconds)} s on the form`;
    if (seconds < TIME_ON_FORM.tooFastBelow)
      reasons.push({ code: "time_on_form_too_fast", points: POINTS.timeOnForm.tooFast, detail: `${shown}: too fast to have read it` });
    else if (seconds < TIME_ON_FORM.engagedFrom) reasons.push({ code: "time_on_form_brief", points: POINTS.timeOnForm.brief, detail: `${shown}: brief` });
    else if (seconds <= TIME_ON_FORM.engagedUpTo)
      reasons.push({ code: "time_on_form_engaged", points: POINTS.timeOnForm.engaged, detail: `${shown}: engaged` });
    else reasons.push({ code: "time_on_form_long", points: POINTS.timeOnForm.long, detail: `${shown}: left open a long time` });
  }
  const pages = signals.pagesViewed;
  if (pages !== undefined && pages > 0) {
    const shown = `${pages} ${pages === 1 ? "page" : "pages"} viewed`;
    if (pages >= PAGES.many) reasons.push({ code: "pages_viewed_many", points: POINTS.pagesViewed.many, detail: shown });
    else if (pages >= PAGES.some) reasons.push({ code: "pages_viewed_some", points: POINTS.pagesViewed.some, detail: shown });
    else reasons.push({ code: "pages_viewed_one", points: POINTS.pagesViewed.one, detail: shown });
  }
  return reasons;
}

function demographicReasons(field: FieldReader): ScoreReason[] {
  const reasons: ScoreReason[] = [];
  const homeowner = field(FIELD_NAMES.homeowner);
  if (homeowner && readYesNo(homeowner) === "yes") reasons.push({ code: "homeowner", points: POINTS.homeowner, detail: "Owns a home" });

  const credit = field(FIELD_NAMES.credit);
  if (credit) {
    const score = /^\d{3}$/.test(credit) ? Number(credit) : null;
    const good = score !== null ? score >= GOOD_CREDIT_SCORE : startsWithWord(credit, GOOD_CREDIT_WORDS);
    if (good) reasons.push({ code: "good_credit", points: POINTS.goodCredit, detail: `Credit "${credit}": good or better` });
  }

  const income = field(FIELD_NAMES.income);
  const incomeAmount = income === null ? null : readAmount(income);
  if (incomeAmount !== null && incomeAmount >= INCOME_THRESHOLD) {
    reasons.push({ code: "income", points: POINTS.income, detail: `Income ${income}: at least ${INCOME_THRESHOLD.toLocaleString("en-US")}` });
  }

  const age = field(FIELD_NAMES.age);
  const years = age !== null && /^\d{1,3}$/.test(age) ? Number(age) : null;
  if (years !== null && years >= PRIME_AGE.min && years <= PRIME_AGE.max) {
    reasons.push({ code: "age", points: POINTS.age, detail: `Age ${years}: between ${PRIME_AGE.min} and ${PRIME_AGE.max}` });
  }
  return reasons;
}

function consentReasons(consent: LeadConsent | null): ScoreReason[] {
  if (!consent || !(consent.text?.trim() || consent.at?.trim())) return [];
  if (consent.certUrl?.trim()) {
    return [{ code: "consent_certificate", points: POINTS.consentWithCertificate, detail: "Consent given, with a certificate URL" }];
  }
  return [{ code: "consent", points: POINTS.consent, detail: "Consent given (no certificate)" }];
}
