import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import { z } from "zod";
import { isIsoDate, type OfferField } from "~/modules/offers/offers.schema";
import { MAX_STRING_LENGTH } from "~/modules/offers/offers.constants";

// Checks a lead's fields against its offer's field spec and normalises them (E.164 phone,
// lower-case email, upper-case state, "true"/"false", yyyy-mm-dd, an enum's own spelling).
// Pure: used at intake and by the verifier.

export type LeadFieldValues = Record<string, string>;
export type FieldCheckResult = { ok: true; fields: LeadFieldValues } | { ok: false; errors: Record<string, string> };

const emailSchema = z.string().email();
const TRUE_WORDS = new Set(["true", "1", "yes"]);
const FALSE_WORDS = new Set(["false", "0", "no"]);

type Normalised = { value: string } | { error: string };

function inRange(field: OfferField, value: number | string, show: (v: number | string) => string): Normalised | null {
  if (field.min !== undefined && value < field.min) return { error: `At least ${show(field.min)}` };
  if (field.max !== undefined && value > field.max) return { error: `At most ${show(field.max)}` };
  return null;
}

function normaliseField(field: OfferField, raw: string, country: string): Normalised {
  const value = raw.trim();
  switch (field.type) {
    case "email": {
      const email = value.toLowerCase();
      return emailSchema.safeParse(email).success ? { value: email } : { error: "Not a valid email address" };
    }
    case "phone": {
      const phone = parsePhoneNumberFromString(value, country as CountryCode);
      if (!phone?.isValid()) return { error: `Not a valid ${country} phone number` };
      // The country is only the default for national numbers: an international one may be anywhere.
      return phone.country === country ? { value: phone.number } : { error: `Enter a ${country} phone number` };
    }
    case "state":
      return /^[A-Za-z]{2}$/.test(value) ? { value: value.toUpperCase() } : { error: "Use a two-letter state code" };
    case "postal_code":
      return /^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/.test(value) ? { value: value.toUpperCase().replace(/\s+/g, " ") } : { error: "Not a valid postal code" };
    case "number": {
      if (!/^-?\d+(\.\d+)?$/.test(value)) return { error: "Must be a number" };
      return inRange(field, Number(value), String) ?? { value };
    }
    case "enum": {
      const option = (field.options ?? []).find((o) => o.toLowerCase() === value.toLowerCase());
      return option !== undefined ? { value: option } : { error: `Must be one of: ${(field.options ?? []).join(", ")}` };
    }
    case "boolean": {
      const word = value.toLowerCase();
      if (TRUE_WORDS.has(word)) return { value: "true" };
      if (FALSE_WORDS.has(word)) return { value: "false" };
      return { error: "Must be true or false (also 1/0, yes/no)" };
    }
    case "date": {
      if (!isIsoDate(value)) return { error: "Must be a date written yyyy-mm-dd" };
      return inRange(field, value, String) ?? { value };
    }
    case "string": {
      const maxLength = field.maxLength ?? MAX_STRING_LENGTH;
      return value.length <= maxLength ? { value } : { error: `At most ${maxLength} characters` };
    }
  }
}

// A field holds one value. JSON numbers and booleans are read as their text, as in form and query
// postbacks; an object or a list is refused, never turned into "[object Object]" or "a,b".
const NOT_A_SINGLE_VALUE = "Must be a single value (text, a number or true/false), not an object or a list";

function isSingleValue(value: unknown): boolean {
  return value === null || value === undefined || typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

export function checkLeadFields(spec: OfferField[], country: string, raw: Record<string, unknown>): FieldCheckResult {
  const errors: Record<string, string> = {};
  const fields: LeadFieldValues = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!isSingleValue(value)) errors[name] = NOT_A_SINGLE_VALUE;
  }
  for (const field of spec) {
    const rawValue = raw[field.name];
    if (Object.hasOwn(errors, field.name)) continue;
    const text = rawValue === undefined || rawValue === null ? "" : String(rawValue);
    if (text.trim() === "") {
      if (field.required) errors[field.name] = "Required by this offer";
      continue;
    }
    const result = normaliseField(field, text, country);
    if ("error" in result) errors[field.name] = result.error;
    else fields[field.name] = result.value;
  }
  // Fields the offer does not declare are kept as posted (strings, trimmed, bounded).
  for (const [name, value] of Object.entries(raw)) {
    if (name in fields || name in errors || spec.some((f) => f.name === name)) continue;
    if (value === undefined || value === null) continue;
    fields[name] = String(value).trim().slice(0, MAX_STRING_LENGTH);
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, fields };
}
