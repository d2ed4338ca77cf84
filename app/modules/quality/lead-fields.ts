import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import { z } from "zod";
import type { OfferField } from "~/modules/offers/offers.schema";

// Checks a lead's fields against its offer's field spec and normalises them
// (E.164 phone, lower-case email, upper-case state). Pure: used at intake and by the verifier.

export type LeadFieldValues = Record<string, string>;
export type FieldCheckResult =
  | { ok: true; fields: LeadFieldValues }
  | { ok: false; errors: Record<string, string> };

const emailSchema = z.string().email();

function normaliseField(field: OfferField, raw: string, country: string): { value: string } | { error: string } {
  const value = raw.trim();
  switch (field.type) {
    case "email": {
      const email = value.toLowerCase();
      return emailSchema.safeParse(email).success ? { value: email } : { error: "Not a valid email address" };
    }
    case "phone": {
      const phone = parsePhoneNumberFromString(value, country as CountryCode);
      return phone?.isValid() ? { value: phone.number } : { error: `Not a valid ${country} phone number` };
    }
    case "state":
      return /^[A-Za-z]{2}$/.test(value) ? { value: value.toUpperCase() } : { error: "Use a two-letter state code" };
    case "postal_code":
      return /^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/.test(value)
        ? { value: value.toUpperCase().replace(/\s+/g, " ") }
        : { error: "Not a valid postal code" };
    case "number":
      return /^-?\d+(\.\d+)?$/.test(value) ? { value } : { error: "Must be a number" };
    case "string":
      return value.length <= 500 ? { value } : { error: "At most 500 characters" };
  }
}

export function checkLeadFields(spec: OfferField[], country: string, raw: Record<string, unknown>): FieldCheckResult {
  const errors: Record<string, string> = {};
  const fields: LeadFieldValues = {};
  for (const field of spec) {
    const rawValue = raw[field.name];
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
    if (name in fields || spec.some((f) => f.name === name)) continue;
    if (value === undefined || value === null || typeof value === "object") continue;
    fields[name] = String(value).trim().slice(0, 500);
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, fields };
}
