import { centsToDecimal } from "~/utils/money";
import type { OfferQualityRules } from "~/modules/quality/quality.schema";
import { CONVERSION_EVENT_ROWS, CUSTOM_FIELD_ROWS, STANDARD_FIELDS, type OfferField } from "./offers.schema";

// An offer as the values of its form (the inverse of offerFormToInput), so "Edit offer" opens filled in.

export interface OfferFormSource {
  title: string;
  vertical: string;
  country: string;
  states: string[];
  fields: OfferField[];
  pricingModel: string;
  priceCents: number;
  salePercentBps: number | null;
  saleMinCents: number | null;
  saleMaxCents: number | null;
  conversionEvents: ReadonlyArray<{ code: string; label: string; payoutCents: number }>;
  attributionWindowDays: number;
  lockPeriodDays: number;
  allowsLockedAdjustments: boolean;
  exclusivity: string;
  maxBuyers: number;
  returnWindowDays: number;
  qualityRules: OfferQualityRules;
  distribution: string;
}

const isStandard = (f: OfferField) => STANDARD_FIELDS.some((s) => s.name === f.name && s.type === f.type);
const text = (value: number | string | undefined) => (value === undefined ? "" : String(value));

function customFieldValues(fields: OfferField[]): Record<string, string> {
  const values: Record<string, string> = {};
  fields.forEach((f, i) => {
    values[`custom_${i}_name`] = f.name;
    values[`custom_${i}_type`] = f.type;
    values[`custom_${i}_required`] = f.required ? "required" : "optional";
    values[`custom_${i}_options`] = (f.options ?? []).join(", ");
    values[`custom_${i}_min`] = text(f.min);
    values[`custom_${i}_max`] = f.type === "string" ? text(f.maxLength) : text(f.max);
  });
  return values;
}

function qualityRuleValues(rules: OfferQualityRules): Record<string, string> {
  const values: Record<string, string> = { "qualityRules.allowedPhoneTypes": rules.allowedPhoneTypes.join(",") };
  for (const [key, value] of Object.entries(rules)) {
    if (typeof value === "number") values[`qualityRules.${key}`] = String(value);
    if (typeof value === "boolean" && value) values[`qualityRules.${key}`] = "on";
  }
  return values;
}

export function offerFormValues(offer: OfferFormSource): Record<string, string> {
  const custom = offer.fields.filter((f) => !isStandard(f));
  const events = offer.pricingModel === "CPA" ? offer.conversionEvents : [];
  const values: Record<string, string> = {
    title: offer.title,
    vertical: offer.vertical,
    country: offer.country,
    states: offer.states.join(", "),
    pricingModel: offer.pricingModel,
    price: offer.priceCents > 0 ? centsToDecimal(offer.priceCents) : "",
    salePercent: offer.salePercentBps !== null ? String(offer.salePercentBps / 100) : "",
    saleMin: offer.saleMinCents !== null ? centsToDecimal(offer.saleMinCents) : "",
    saleMax: offer.saleMaxCents !== null ? centsToDecimal(offer.saleMaxCents) : "",
    attributionWindowDays: String(offer.attributionWindowDays),
    lockPeriodDays: String(offer.lockPeriodDays),
    exclusivity: offer.exclusivity,
    maxBuyers: String(offer.maxBuyers),
    returnWindowDays: String(offer.returnWindowDays),
    distribution: offer.distribution,
    customRows: String(Math.max(CUSTOM_FIELD_ROWS, custom.length + 1)),
    eventRows: String(Math.max(CONVERSION_EVENT_ROWS, events.length + 1)),
    ...(offer.allowsLockedAdjustments ? { allowsLockedAdjustments: "on" } : {}),
    ...customFieldValues(custom),
    ...qualityRuleValues(offer.qualityRules),
  };
  for (const s of STANDARD_FIELDS) {
    const f = offer.fields.find((field) => field.name === s.name && field.type === s.type);
    values[`field_${s.name}`] = f ? (f.required ? "required" : "optional") : "none";
  }
  events.forEach((e, i) => {
    values[`event_${i}_code`] = e.code;
    values[`event_${i}_label`] = e.label;
    values[`event_${i}_payout`] = centsToDecimal(e.payoutCents);
  });
  return values;
}
