// Every reason code a lead, a ping or a return can carry, in plain words. Safe for the browser
// (no server imports): portals show the words with the code beside them (<ReasonText>), the API
// answers with the code, and docs/api.md lists the same sentences.

/** Reasons the verification checks give (app/modules/quality/checks), in check order. */
const CHECK_REASONS = {
  invalid_fields: "A field is missing or not in the offer's format",
  disposable_email: "The email is at a disposable-email domain",
  role_email: "The email is a role account (info@, sales@), not a person",
  phone_type_not_allowed: "The phone's line type is not one the offer takes",
  out_of_geo: "The lead is outside the offer's states",
  postal_state_mismatch: "The ZIP code is not in the lead's state",
  duplicate_lead: "The same person was already sent to this offer recently",
  duplicate_cross_offer: "The same person was already sent to another offer recently",
  velocity_affiliate: "More leads per hour than the offer allows from you",
  velocity_ip: "More leads per day from this consumer's IP address than the offer allows",
  form_fill_too_fast: "The form was filled faster than a person could",
  form_fill_time_missing: "No form-fill time (time_on_form) was sent; held for review",
  missing_consent: "No consent (consent_text and consent_at) was sent",
  missing_consent_certificate: "No consent certificate URL (consent_cert_url) was sent",
  suppressed: "The email or phone is on the do-not-contact list",
} as const;

/** Reasons set by the score, routing and an admin's review. */
const DECISION_REASONS = {
  low_score: "The quality score is below the offer's reject threshold",
  score_review: "The quality score is between the reject and accept thresholds; held for review",
  no_matching_order: "No buyer's order matched this lead",
  buyers_out_of_funds: "Buyers' orders matched, but none had the funds to pay for it",
  offer_unlisted: "Leadex took the offer off the marketplace before this lead was sold",
  admin_rejected: "Rejected by a Leadex reviewer",
} as const;

/** Why a ping got no bid (ping-post). */
const PING_REASONS = {
  no_bid: "Orders matched, but none bid on this ping",
} as const;

/** Why a buyer returned a lead (disputes.schema RETURN_REASON_CODES). */
const RETURN_REASONS = {
  invalid_phone: "Returned: the phone is invalid or disconnected",
  wrong_person: "Returned: the contact is the wrong person",
  duplicate: "Returned: a duplicate of a lead the buyer already had",
  fake_or_fraud: "Returned: fake or fraudulent",
  did_not_request: "Returned: the person did not ask to be contacted",
  no_consent: "Returned: no consent to be contacted",
  under_age: "Returned: the person is under age",
} as const;

export const LEAD_REASON_TEXT: Readonly<Record<string, string>> = { ...CHECK_REASONS, ...DECISION_REASONS, ...PING_REASONS, ...RETURN_REASONS };

export type CheckReasonCode = keyof typeof CHECK_REASONS;
export type DecisionReasonCode = keyof typeof DECISION_REASONS;
export const CHECK_REASON_CODES = Object.keys(CHECK_REASONS) as CheckReasonCode[];
export const DECISION_REASON_CODES = Object.keys(DECISION_REASONS) as DecisionReasonCode[];

/** The sentence for a reason code, or null when the code is unknown (callers then show the code alone). */
export function reasonText(code: string): string | null {
  return Object.hasOwn(LEAD_REASON_TEXT, code) ? LEAD_REASON_TEXT[code] : null;
}

/** "No buyer's order matched this lead (no_matching_order)": words and code on one line, for CSV and plain text. */
export function reasonLine(code: string): string {
  const text = reasonText(code);
  return text ? `${text} (${code})` : code;
}

/**
 * Why a routed lead was not sold, with the line the pipeline writes on its timeline (the line has no
 * data: the timeline finds the code again by the line): every order that took it had a buyer who
 * could not pay, or no open order took it at all.
 */
export const UNSOLD_REASONS = {
  outOfFunds: { code: "buyers_out_of_funds", line: "Not sold: every matching order's buyer is out of funds" },
  noOrder: { code: "no_matching_order", line: "Not sold: no open order matched" },
  unlisted: { code: "offer_unlisted", line: "Not sold: Leadex took the offer off the marketplace" },
} as const satisfies Record<string, { code: DecisionReasonCode; line: string }>;
