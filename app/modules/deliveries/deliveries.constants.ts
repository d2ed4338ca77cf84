/** Lead events affiliates can receive postbacks for. */
export const AFFILIATE_POSTBACK_EVENTS = ["accepted", "rejected", "sold", "returned", "converted", "reversed"] as const;
export type AffiliatePostbackEvent = (typeof AFFILIATE_POSTBACK_EVENTS)[number];

/** The macros a postback URL template may use, with what each becomes. */
export const POSTBACK_MACROS = {
  lead_id: "your own lead id (the lead_id you posted)",
  leadex_id: "Leadex's id for the lead",
  s1: "sub-id 1",
  s2: "sub-id 2",
  s3: "sub-id 3",
  s4: "sub-id 4",
  s5: "sub-id 5",
  status: "the lead's status (accepted, rejected, sold, unsold, held, returned)",
  payout: "what the lead earned you, in major units (25.60); on converted and reversed: what this conversion earned or reversed",
  reason: "reason codes, comma-separated (rejected leads)",
  event: "the event that fired (accepted, rejected, sold, returned, converted, reversed)",
  offer_id: "the offer's id",
  conversion_event: "converted / reversed: the CPA event (e.g. funded), or sale for a CPS sale",
  sale_amount: "converted / reversed: the sale amount (CPS) or reversed part of it, in major units",
  conversion_id: "converted / reversed: Leadex's id for the conversion",
} as const;
export type PostbackMacro = keyof typeof POSTBACK_MACROS;

/** Where a delivery stands: waiting (or retrying), delivered, or given up after its last attempt. */
export const OUTBOUND_STATUSES = ["PENDING", "DELIVERED", "FAILED"] as const;
