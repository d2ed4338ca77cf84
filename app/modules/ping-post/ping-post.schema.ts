import { z } from "zod";
import { MAX_ORDER_PRICE_CENTS } from "~/modules/orders/orders.schema";

// The words of ping-post: what an affiliate pings and posts, what an external buyer answers.

const sha256Hex = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{64}$/, "The SHA-256 hex (64 characters) of the normalised value (lower-case email, E.164 phone)");
const optionalText = (max: number) => z.string().trim().max(max, `At most ${max} characters`).optional();

export const PING_ENVELOPE_KEYS = ["offer_id", "email_hash", "phone_hash", "s1", "s2", "s3", "s4", "s5"] as const;

export const pingEnvelopeSchema = z.object({
  offer_id: z.string({ message: "Required: the id of your offer" }).trim().min(1, "Required: the id of your offer"),
  email_hash: sha256Hex.optional(),
  phone_hash: sha256Hex.optional(),
  s1: optionalText(255),
  s2: optionalText(255),
  s3: optionalText(255),
  s4: optionalText(255),
  s5: optionalText(255),
});
export type PingEnvelope = z.infer<typeof pingEnvelopeSchema>;

/** Field names that carry a person's identity: never sent in a ping (whatever their declared type). */
export const PERSONAL_FIELD_NAMES: ReadonlySet<string> = new Set([
  "email",
  "phone",
  "name",
  "full_name",
  "first_name",
  "last_name",
  "middle_name",
  "address",
  "address1",
  "address2",
  "street",
  "street_address",
  "date_of_birth",
  "dob",
  "birth_date",
  "ssn",
]);

/** The reasons a ping gets no bid. */
export const NO_BID_REASONS = {
  duplicate: "duplicate_lead",
  outOfGeo: "out_of_geo",
  noOrder: "no_matching_order",
  noBid: "no_bid",
} as const;

/** The reason codes a post is refused with (always naming the `token` field). */
export const TOKEN_REFUSALS = {
  invalid: "invalid_token",
  expired: "expired_token",
  used: "token_used",
  otherAffiliate: "token_not_yours",
  otherOffer: "token_offer_mismatch",
  dataMismatch: "data_mismatch",
} as const;

/** What an external buyer answers to a ping: a price in cents, or no bid. */
export const buyerPingAnswerSchema = z.union([
  z.object({ bid_cents: z.number().int().min(1).max(MAX_ORDER_PRICE_CENTS) }),
  z.object({ bid: z.literal(false) }),
]);
export type BuyerPingAnswer = z.infer<typeof buyerPingAnswerSchema>;

/** What an external buyer answers to a post: it takes the lead at its bid, or says why not. */
export const buyerPostAnswerSchema = z.object({
  accepted: z.boolean(),
  reason: z.string().max(500).optional(),
});
export type BuyerPostAnswer = z.infer<typeof buyerPostAnswerSchema>;

/** What a bid token carries (signed; see bid-token.server.ts). */
export const bidTokenPayloadSchema = z.object({
  /** ping id */
  pid: z.string().min(1),
  /** winning bid id */
  bid: z.string().min(1),
  /** affiliate (company) id and offer id */
  aff: z.string().min(1),
  off: z.string().min(1),
  /** bid price in cents, and its currency */
  price: z.number().int().min(1),
  cur: z.string().min(3),
  /** SHA-256 hex of the pinged data (see pingDataHash) */
  dh: z.string().regex(/^[0-9a-f]{64}$/),
  /** expiry, Unix seconds */
  exp: z.number().int(),
});
export type BidTokenPayload = z.infer<typeof bidTokenPayloadSchema>;
