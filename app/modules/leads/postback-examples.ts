import type { OfferField } from "~/modules/offers/offers.schema";
import type { OfferQualityRules } from "~/modules/quality/quality.schema";

// Example postbacks for one offer (the Send leads page): a lead that passes the offer's field
// checks, as a curl POST and GET. Browser-safe; nothing here reaches the database.

const SAMPLE_BY_NAME: Record<string, string> = {
  first_name: "Ada",
  last_name: "Lovelace",
  email: "ada@example.com",
  phone: "(415) 555-2671",
  state: "CA",
  postal_code: "94107",
};

const SAMPLE_BY_TYPE: Record<OfferField["type"], string> = {
  string: "example",
  email: "ada@example.com",
  phone: "(415) 555-2671",
  state: "CA",
  postal_code: "94107",
  number: "1",
  enum: "",
  boolean: "true",
  date: "2025-01-31",
};

function sampleValue(f: OfferField): string {
  if (f.type === "enum") return f.options?.[0] ?? "";
  if ((f.type === "number" || f.type === "date") && f.min !== undefined) return String(f.min);
  return SAMPLE_BY_NAME[f.name] ?? SAMPLE_BY_TYPE[f.type];
}

export interface ExampleOffer {
  id: string;
  fields: OfferField[];
  states: string[];
  qualityRules: OfferQualityRules;
}

/** A lead that passes this offer's field checks, for the examples. */
export function sampleLead(offer: ExampleOffer, opts: { test?: boolean } = {}): Array<[string, string]> {
  const fields = offer.fields.map((f): [string, string] => {
    // Geo-limited offers: use a state they take.
    if (f.type === "state" && offer.states.length > 0 && !offer.states.includes("CA")) return [f.name, offer.states[0]];
    return [f.name, sampleValue(f)];
  });
  const rules = offer.qualityRules;
  const consent: Array<[string, string]> = rules.requireConsent
    ? [
        ["consent_text", "I agree to be contacted about quotes."],
        ["consent_at", "2025-01-31T14:05:00Z"],
      ]
    : [];
  if (rules.requireConsentCertificate) consent.push(["consent_cert_url", "https://cert.trustedform.com/0123456789abcdef"]);
  const signals: Array<[string, string]> = rules.minFormFillSeconds > 0 ? [["time_on_form", String(rules.minFormFillSeconds + 30)]] : [];
  const test: Array<[string, string]> = opts.test ? [["test", "true"]] : [];
  return [["offer_id", offer.id], ["lead_id", "your-lead-id-1001"], ["s1", "campaign-a"], ...fields, ...consent, ...signals, ...test];
}

export function curlPost(url: string, record: Array<[string, string]>): string {
  const body = JSON.stringify(Object.fromEntries(record), null, 2);
  return [`curl -X POST '${url}' \\`, `  -H 'Authorization: Bearer YOUR_API_KEY' \\`, `  -H 'Content-Type: application/json' \\`, `  -d '${body}'`].join("\n");
}

export function curlGet(url: string, record: Array<[string, string]>): string {
  const query = new URLSearchParams([["api_key", "YOUR_API_KEY"], ...record]);
  return `curl '${url}?${query.toString()}'`;
}

export const RESPONSE_EXAMPLE = `HTTP/1.1 201 Created
{
  "lead_id": "cm…",
  "affiliate_lead_id": "your-lead-id-1001",
  "status": "received",
  "reasons": [],
  "duplicate_request": false
}`;

export const TEST_RESPONSE_EXAMPLE = `HTTP/1.1 200 OK
{
  "test": true,
  "lead_id": null,
  "affiliate_lead_id": "your-lead-id-1001",
  "status": "sold",
  "reasons": [],
  "checks": [{ "code": "email", "outcome": "pass", "detail": "…" }],
  "score": 72,
  "temperature": "warm",
  "buyers": 1,
  "payout_cents": 2000,
  "currency": "usd"
}`;

export const ERROR_RESPONSE_EXAMPLE = `HTTP/1.1 422 Unprocessable Entity
{
  "error": {
    "code": "invalid_fields",
    "message": "Some fields are invalid",
    "fields": { "email": "Enter a valid email address" }
  }
}`;
