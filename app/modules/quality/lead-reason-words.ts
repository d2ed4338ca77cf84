// Lead reason codes in words, for the admin's review queue and lead lists. A local table until the
// shared reason-code component of the affiliate portal lands (issue 14): swap `leadReasonWords`
// for it then. An unknown code shows as itself with underscores as spaces.

export const LEAD_REASON_WORDS: Readonly<Record<string, string>> = {
  score_review: "Score below the offer's accept score",
  low_score: "Score below the offer's reject score",
  no_matching_order: "No open order matched",
  admin_rejected: "Rejected by an admin",
  invalid_fields: "Fields missing or invalid",
  duplicate_lead: "Duplicate of a recent lead on this offer",
  duplicate_cross_offer: "Duplicate of a recent lead on another offer",
  suppressed: "On a suppression list",
  out_of_geo: "Outside the offer's states",
  postal_state_mismatch: "Postal code is not in the given state",
  phone_type_not_allowed: "Phone line type the offer does not take",
  email_disposable: "Disposable email address",
  disposable_email: "Disposable email address",
  email_role: "Role email address (info@, sales@)",
  role_email: "Role email address (info@, sales@)",
  missing_consent: "No consent given",
  missing_consent_certificate: "No consent certificate",
  form_fill_time_missing: "Form fill time not sent",
  form_fill_too_fast: "Form filled too fast for a person",
  velocity_ip: "Too many leads from one IP address",
  velocity_affiliate: "Affiliate sending faster than its limit",
};

export function leadReasonWords(code: string): string {
  return LEAD_REASON_WORDS[code] ?? code.replace(/_/g, " ");
}
