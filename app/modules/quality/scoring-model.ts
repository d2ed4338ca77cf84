// The scoring model's tables: which field names carry which signal, how values are read, and
// what each finding is worth. The groups' maxima add up to 100 (docs/architecture.md,
// "Score and temperature"). scoring.ts applies them.

/** Most points each group can give (the groups' maxima sum to 100). */
export const GROUP_MAX = {
  contact: 40,
  contactQuality: 10,
  intent: 30,
  activity: 10,
  demographics: 5,
  consent: 5,
} as const;

export const POINTS = {
  email: 15,
  phone: 15,
  fullName: 5,
  firstNameOnly: 2,
  location: 5,
  phoneMobile: 5,
  phoneVerified: 2,
  emailVerified: 3,
  checksClean: 2,
  /** Per check the verifier held for review or failed. */
  checkHeld: -15,
  checkFailed: -25,
  need: { high: 6, medium: 3, low: 0 },
  authority: { yes: 6, shared: 3, no: 0 },
  budget: 6,
  timeOnForm: { engaged: 5, brief: 2, long: 2, tooFast: 0 },
  pagesViewed: { many: 5, some: 3, one: 1 },
  homeowner: 2,
  goodCredit: 1,
  income: 1,
  age: 1,
  consent: 3,
  consentWithCertificate: 5,
} as const;

/** How soon the person means to buy, read from a timeline field. */
export type TimelineStage = "now" | "month" | "quarter" | "half_year" | "later" | "researching";

export const TIMELINE_POINTS: Record<TimelineStage, number> = {
  now: 12,
  month: 9,
  quarter: 6,
  half_year: 3,
  later: 1,
  researching: 0,
};

export const TIMELINE_LABELS: Record<TimelineStage, string> = {
  now: "buying now (within a week)",
  month: "buying within a month",
  quarter: "buying within 3 months",
  half_year: "buying within 6 months",
  later: "buying in more than 6 months",
  researching: "just researching",
};

/** Field names (lower_snake_case) each signal is read from; the first present wins. */
export const FIELD_NAMES = {
  email: ["email", "email_address"],
  phone: ["phone", "phone_number", "mobile", "mobile_phone"],
  firstName: ["first_name", "firstname", "given_name"],
  lastName: ["last_name", "lastname", "surname", "family_name"],
  fullName: ["name", "full_name"],
  location: ["postal_code", "zip", "zip_code", "postcode", "address", "street_address", "state", "city"],
  timeline: ["timeline", "purchase_timeline", "buying_timeline", "timeframe", "time_frame", "purchase_timeframe", "when_to_buy"],
  need: ["need", "need_level", "urgency", "interest_level", "interest"],
  authority: ["authority", "decision_maker", "is_decision_maker", "decision_authority"],
  budget: ["budget", "budget_usd", "budget_range", "monthly_budget", "max_budget", "price_range"],
  homeowner: ["homeowner", "home_owner", "owns_home", "own_home", "is_homeowner"],
  credit: ["credit_rating", "credit", "credit_score"],
  income: ["income", "annual_income", "household_income", "yearly_income"],
  age: ["age"],
} as const;

/** A stated income at or above this (in the offer's currency units) counts as a demographic plus. */
export const INCOME_THRESHOLD = 50_000;
export const PRIME_AGE = { min: 25, max: 64 } as const;
/** Credit scores at or above this read as "good" (FICO-style). */
export const GOOD_CREDIT_SCORE = 670;

/** Seconds on the form: engaged between these, too fast below the first. */
export const TIME_ON_FORM = { tooFastBelow: 10, engagedFrom: 30, engagedUpTo: 900 } as const;
export const PAGES = { many: 5, some: 2 } as const;

// Words people and forms use. Matched on lower-cased, trimmed values.
export const YES_WORDS = ["yes", "y", "true", "1", "owner", "own", "decision maker", "decision-maker", "sole", "self", "primary", "me"];
export const SHARED_WORDS = ["shared", "joint", "jointly", "co-decision", "influencer", "partial", "with spouse", "spouse", "partner", "committee"];
export const NO_WORDS = ["no", "n", "false", "0", "none", "rent", "renter", "renting", "not me"];
export const HIGH_NEED_WORDS = ["high", "urgent", "very", "critical", "must have", "definitely", "yes"];
export const MEDIUM_NEED_WORDS = ["medium", "moderate", "some", "maybe", "somewhat"];
export const LOW_NEED_WORDS = ["low", "none", "no", "not really", "curious"];
export const GOOD_CREDIT_WORDS = ["excellent", "very good", "good", "great"];
export const RESEARCHING_PATTERN = /research|just looking|browsing|not sure|unsure|undecided|no timeline|don'?t know|unknown|someday|no rush|no plans/;
export const NOW_PATTERN = /\b(now|immediately|immediate|asap|today|tomorrow|right away|this week|next few days|urgent)\b|as soon as possible/;
export const MONTH_PATTERN = /\b(this|next|within a|within one|in a) month\b|\b(couple|few) of weeks\b|\b(couple|few) weeks\b/;
export const DAYS_PER_UNIT = { day: 1, week: 7, month: 30, year: 365 } as const;
