import { z } from "zod";
import { conversionEventSchema } from "~/modules/conversions/conversions.schema";
import { offerQualityRulesSchema } from "~/modules/quality/quality.schema";
import { keysetCursorParam } from "~/utils/keyset-cursor";
import { searchTextParam } from "~/utils/search-param";
import { parseAmountToCents } from "~/utils/money";
import {
  VERTICALS,
  LEAD_FIELD_TYPES,
  DISTRIBUTIONS,
  OFFER_STATUSES,
  STANDARD_FIELDS,
  MAX_STRING_LENGTH,
  CUSTOM_FIELD_ROWS,
  CONVERSION_EVENT_ROWS,
  eventRowFilled,
  formRowCount,
} from "./offers.constants";
export * from "./offers.constants";

/** The affiliate's offer list as the URL keeps it (an unknown value shows every offer). */
export const ownOfferListFilterSchema = z.object({
  /** Part of the title. */
  q: searchTextParam().optional().catch(undefined),
  status: z.enum(OFFER_STATUSES).optional().catch(undefined),
  cursor: keysetCursorParam.optional().catch(undefined),
});
export type OwnOfferListFilter = z.infer<typeof ownOfferListFilterSchema>;

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar day written yyyy-mm-dd. */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * One lead field of an offer. `options` lists an enum's allowed values; `min`/`max` bound a
 * number (numbers) or a date (yyyy-mm-dd); `maxLength` bounds a string (500 at most).
 */
export const offerFieldSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "Field names are lower_snake_case"),
    type: z.enum(LEAD_FIELD_TYPES, { message: "Choose a field type" }),
    required: z.boolean(),
    options: z.array(z.string().trim().min(1).max(100)).max(50, "At most 50 options").optional(),
    min: z.union([z.number(), z.string()]).optional(),
    max: z.union([z.number(), z.string()]).optional(),
    maxLength: z.number().int().min(1).max(MAX_STRING_LENGTH).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.type === "enum" && (f.options ?? []).length === 0) {
      ctx.addIssue({ code: "custom", message: `List the allowed values of ${f.name}`, path: ["options"] });
    }
    if (f.type !== "enum" && f.options !== undefined) {
      ctx.addIssue({ code: "custom", message: `Only enum fields have options (${f.name})`, path: ["options"] });
    }
    if (f.maxLength !== undefined && f.type !== "string") {
      ctx.addIssue({ code: "custom", message: `Only string fields have a maximum length (${f.name})`, path: ["maxLength"] });
    }
    for (const bound of ["min", "max"] as const) {
      const value = f[bound];
      if (value === undefined) continue;
      if (f.type === "number" && typeof value !== "number") {
        ctx.addIssue({ code: "custom", message: `The ${bound} of ${f.name} must be a number`, path: [bound] });
      } else if (f.type === "date" && !(typeof value === "string" && isIsoDate(value))) {
        ctx.addIssue({ code: "custom", message: `The ${bound} of ${f.name} must be a date yyyy-mm-dd`, path: [bound] });
      } else if (f.type !== "number" && f.type !== "date") {
        ctx.addIssue({ code: "custom", message: `Only number and date fields have a range (${f.name})`, path: [bound] });
      }
    }
    if (f.min !== undefined && f.max !== undefined && typeof f.min === typeof f.max && f.min > f.max) {
      ctx.addIssue({ code: "custom", message: `The min of ${f.name} is above its max`, path: ["min"] });
    }
  });
export type OfferField = z.infer<typeof offerFieldSchema>;
export const offerFieldsSchema = z.array(offerFieldSchema).superRefine((fields, ctx) => {
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (seen.has(f.name)) ctx.addIssue({ code: "custom", message: `The field ${f.name} is declared twice`, path: [i, "name"] });
    seen.add(f.name);
  });
});

const moneySchema = z.union([z.number().int(), z.string()]).transform((v, ctx) => {
  const cents = typeof v === "number" ? v : v.trim() === "" ? 0 : parseAmountToCents(v);
  if (cents === null || cents < 0) {
    ctx.addIssue({ code: "custom", message: "Enter a price such as 25 or 25.50" });
    return z.NEVER;
  }
  // 1,000,000.00 at most: prices live in an Int column (orders.schema.ts caps bids the same way).
  if (cents > 100_000_000) {
    ctx.addIssue({ code: "custom", message: "A price is at most 1,000,000.00" });
    return z.NEVER;
  }
  return cents;
});

const WHOLE_DAYS = "Enter a whole number of days";
const SALE_PERCENT_MESSAGE = "Enter the share of the sale as a percentage such as 10 or 12.5";

/** A CPA event's payout: cents, or a decimal amount as typed in the form ("15" or "15.50"). */
const payoutSchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const cents = typeof v === "number" ? (Number.isInteger(v) ? v : null) : parseAmountToCents(v.trim());
  if (cents === null || cents < 1) {
    ctx.addIssue({ code: "custom", message: "Enter a payout such as 15 or 15.50" });
    return z.NEVER;
  }
  if (cents > 100_000_000) {
    ctx.addIssue({ code: "custom", message: "A payout is at most 1,000,000.00" });
    return z.NEVER;
  }
  return cents;
});

const stateListSchema = z
  .union([z.array(z.string()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.split(/[\s,]+/)).map((s) => s.trim().toUpperCase()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, "Use two-letter state codes, e.g. CA, TX")));

export const createOfferSchema = z
  .object({
    title: z.string().trim().min(3, "Give the offer a title of at least 3 characters").max(120),
    vertical: z.enum(VERTICALS, { message: "Choose a vertical" }),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, "Use a two-letter country code")
      .default("US"),
    states: stateListSchema.default([]),
    fields: offerFieldsSchema.min(1, "Choose at least one lead field"),
    pricingModel: z.enum(["CPL", "CPA", "CPS"], { message: "Choose CPL, CPA or CPS" }),
    priceCents: moneySchema,
    // CPS: the share of the sale in basis points (the form takes a percentage: "10%" is 1000).
    salePercentBps: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .number({ message: SALE_PERCENT_MESSAGE })
        .int(SALE_PERCENT_MESSAGE)
        .min(1, "A share of the sale is at least 0.01%")
        .max(10_000, "A share of the sale is at most 100%")
        .optional(),
    ),
    // CPS: bounds on what one sale pays (empty: none).
    saleMinCents: z.preprocess((v) => (v === "" ? undefined : v), moneySchema.optional()),
    saleMaxCents: z.preprocess((v) => (v === "" ? undefined : v), moneySchema.optional()),
    // CPA: the billable events; none given: one event, "action", paying the price.
    conversionEvents: z
      .array(conversionEventSchema.extend({ payoutCents: payoutSchema }))
      .max(20, "At most 20 events")
      .default([]),
    attributionWindowDays: z.coerce.number({ message: WHOLE_DAYS }).int(WHOLE_DAYS).min(1, "At least 1 day").max(365, "At most 365 days").default(30),
    lockPeriodDays: z.coerce.number({ message: WHOLE_DAYS }).int(WHOLE_DAYS).min(0, "Cannot be negative").max(180, "At most 180 days").default(14),
    allowsLockedAdjustments: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()).default(false),
    exclusivity: z.enum(["EXCLUSIVE", "SHARED"]).default("EXCLUSIVE"),
    maxBuyers: z.coerce.number().int().min(1).max(10).default(1),
    returnWindowDays: z.coerce.number().int().min(0, "Return window cannot be negative").max(60).default(7),
    qualityRules: offerQualityRulesSchema.prefault({}),
    distribution: z.enum(DISTRIBUTIONS, { message: "Choose how leads are shared out" }).default("BEST_PRICE"),
  })
  .refine((o) => o.fields.some((f) => f.type === "email" || f.type === "phone"), {
    message: "An offer must carry an email or a phone field",
    path: ["fields"],
  })
  // CPL needs a price; CPA a price per action or events; CPS a fixed amount, a share of the sale, or both.
  .refine((o) => o.priceCents > 0 || o.pricingModel !== "CPL", {
    message: "Enter a price such as 25 or 25.50",
    path: ["priceCents"],
  })
  .refine((o) => o.pricingModel !== "CPS" || o.priceCents > 0 || o.salePercentBps !== undefined, {
    message: "A CPS offer pays a share of the sale, a fixed amount per sale, or both: enter at least one",
    path: ["salePercentBps"],
  })
  .refine((o) => o.pricingModel !== "CPA" || o.priceCents > 0 || o.conversionEvents.length > 0, {
    message: "A CPA offer needs a price per action or at least one event with its payout",
    path: ["conversionEvents"],
  })
  .refine((o) => new Set(o.conversionEvents.map((e) => e.code)).size === o.conversionEvents.length, {
    message: "Each event code may appear once",
    path: ["conversionEvents"],
  })
  .refine((o) => o.saleMinCents === undefined || o.saleMaxCents === undefined || o.saleMinCents <= o.saleMaxCents, {
    message: "The minimum per sale cannot be above the maximum",
    path: ["saleMaxCents"],
  })
  .transform((o) => ({
    ...o,
    maxBuyers: o.exclusivity === "EXCLUSIVE" ? 1 : Math.max(o.maxBuyers, 2),
    conversionEvents:
      o.pricingModel !== "CPA" ? [] : o.conversionEvents.length > 0 ? o.conversionEvents : [{ code: "action", label: "Action", payoutCents: o.priceCents }],
  }));
export type CreateOfferInput = z.input<typeof createOfferSchema>;
export type CreateOfferData = z.output<typeof createOfferSchema>;

const QUALITY_RULE_NUMBERS = [
  "duplicateWindowDays",
  "crossOfferDuplicateWindowDays",
  "maxLeadsPerAffiliatePerHour",
  "maxLeadsPerIpPerDay",
  "minFormFillSeconds",
  "acceptScore",
  "rejectScore",
] as const;
const QUALITY_RULE_FLAGS = ["requireConsent", "requireConsentCertificate", "rejectDisposableEmail", "rejectRoleEmail"] as const;

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}

const formText = (form: FormData) => (name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
};

/** A bound as typed: a number for number fields, the text (a date) otherwise. */
function bound(type: string, value: string): number | string | undefined {
  if (value === "") return undefined;
  return type === "number" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** One custom field row of the offer form (custom_<i>_name, _type, _required, _options, _min, _max), or null when empty. */
function customFieldFromForm(form: FormData, i: number): Record<string, unknown> | null {
  const name = text(form, `custom_${i}_name`);
  if (name === "") return null;
  const type = text(form, `custom_${i}_type`) || "string";
  const field: Record<string, unknown> = { name, type, required: text(form, `custom_${i}_required`) === "required" };
  const options = text(form, `custom_${i}_options`);
  if (options !== "")
    field.options = options
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean);
  const min = text(form, `custom_${i}_min`);
  const max = text(form, `custom_${i}_max`);
  // A string's "max" is its maximum length.
  if (type === "string") {
    if (max !== "") field.maxLength = /^\d+$/.test(max) ? Number(max) : max;
  } else {
    field.min = bound(type, min);
    field.max = bound(type, max);
  }
  return field;
}

/** The quality-rule inputs of the offer form (named `qualityRules.<key>` so errors land next to them). */
function qualityRulesFromForm(form: FormData): Record<string, unknown> {
  const rules: Record<string, unknown> = {};
  for (const key of QUALITY_RULE_NUMBERS) {
    const value = text(form, `qualityRules.${key}`);
    if (value !== "") rules[key] = value;
  }
  // Unchecked boxes are not submitted: only a form that shows the rules decides the flags.
  if (form.has("qualityRules.shown")) {
    for (const key of QUALITY_RULE_FLAGS) rules[key] = form.get(`qualityRules.${key}`) === "on";
    rules.allowedPhoneTypes = form.getAll("qualityRules.allowedPhoneTypes").filter((v): v is string => typeof v === "string");
  }
  return rules;
}

/** The CPA event rows of the offer form; a payout is typed in units ("15.50"). */
function conversionEventsFromForm(form: FormData): Array<Record<string, unknown>> {
  const get = (name: string) => text(form, name);
  return Array.from({ length: formRowCount(formText(form), "event", CONVERSION_EVENT_ROWS) }, (_, i) => i)
    .filter((i) => eventRowFilled(get, i))
    .map((i) => ({ code: get(`event_${i}_code`), label: get(`event_${i}_label`), payoutCents: get(`event_${i}_payout`) }));
}

/** A percentage as typed ("10", "12.5", "10 %") in basis points (1000, 1250); the text itself when it is not one. */
export function percentToBps(typed: string): number | string | undefined {
  const value = typed.trim().replace(/\s*%$/, "");
  if (value === "") return undefined;
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) return typed;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** Maps the offer form (a select per standard field: "required" | "optional"; custom field rows; quality rules) to schema input. */
export function offerFormToInput(form: FormData): Record<string, unknown> {
  const standard = STANDARD_FIELDS.flatMap((f) => {
    const choice = form.get(`field_${f.name}`);
    return choice === "required" || choice === "optional" ? [{ name: f.name, type: f.type, required: choice === "required" }] : [];
  });
  const custom = Array.from({ length: formRowCount(formText(form), "custom", CUSTOM_FIELD_ROWS) }, (_, i) => customFieldFromForm(form, i)).filter(
    (f) => f !== null,
  );
  // Required inputs stay as typed (even empty) so the schema names them; empty optional ones take defaults.
  const required = Object.fromEntries(["title", "vertical", "pricingModel"].map((k) => [k, form.get(k) ?? ""]));
  const optional = Object.fromEntries(
    ["country", "states", "exclusivity", "maxBuyers", "returnWindowDays", "distribution", "attributionWindowDays", "lockPeriodDays"]
      .map((k) => [k, form.get(k)] as const)
      .filter(([, v]) => typeof v === "string" && v !== ""),
  );
  const pricingModel = text(form, "pricingModel");
  // Inputs of the other pricing models are left out, so a CPL offer never trips over a stray CPS bound.
  const conversionTerms =
    pricingModel === "CPA"
      ? { conversionEvents: conversionEventsFromForm(form) }
      : pricingModel === "CPS"
        ? { salePercentBps: percentToBps(text(form, "salePercent")), saleMinCents: text(form, "saleMin"), saleMaxCents: text(form, "saleMax") }
        : {};
  return {
    ...required,
    ...optional,
    ...conversionTerms,
    allowsLockedAdjustments: form.get("allowsLockedAdjustments") === "on",
    fields: [...standard, ...custom],
    qualityRules: qualityRulesFromForm(form),
    priceCents: form.get("price") ?? "",
  };
}
