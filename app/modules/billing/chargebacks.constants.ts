export const CHARGEBACK_STATUS_FILTERS = ["open", "needs_response", "under_review", "won", "lost", "all"] as const;
export type ChargebackStatusFilter = (typeof CHARGEBACK_STATUS_FILTERS)[number];

/** The evidence fields the admin's form sends to Stripe (text only; Stripe takes these as they are). */
export const CHARGEBACK_EVIDENCE_FIELDS = {
  product_description: "What the advertiser bought (the service)",
  customer_name: "Customer name",
  customer_email_address: "Customer email address",
  service_date: "Date the service was provided",
  access_activity_log: "Activity log (leads delivered, logins)",
  customer_communication: "Communication with the customer",
  uncategorized_text: "Anything else",
} as const;
export type ChargebackEvidenceField = keyof typeof CHARGEBACK_EVIDENCE_FIELDS;
