import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { DomainError } from "~/utils/errors";
import { bidTokenPayloadSchema, TOKEN_REFUSALS, type BidTokenPayload } from "./ping-post.schema";

// A bid token is base64url(JSON payload) + "." + base64url(HMAC-SHA256(secret, first part)).
// It names the ping, the winning bid, the price and the hash of the pinged data, and expires.

/** A post refused because of its token: a 4xx naming the `token` field, with a reason code. */
export class BidTokenError extends DomainError {
  constructor(status: number, code: string, message: string, fieldErrors: Record<string, string> = {}) {
    super(message, status, code, { token: message, ...fieldErrors });
  }
}

function sign(encodedPayload: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(encodedPayload).digest();
}

export function signBidToken(payload: BidTokenPayload, secret: string): string {
  const encoded = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${encoded}.${sign(encoded, secret).toString("base64url")}`;
}

/** The payload of a token signed with `secret` and not expired at `now`; BidTokenError otherwise. */
export function verifyBidToken(token: string, secret: string, now: Date): BidTokenPayload {
  const invalid = () => new BidTokenError(422, TOKEN_REFUSALS.invalid, "The bid token is malformed or was altered");
  const parts = token.split(".");
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw invalid();
  const [encoded, signature] = parts;
  const expected = sign(encoded, secret);
  const actual = Buffer.from(signature, "base64url");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw invalid();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const parsed = bidTokenPayloadSchema.safeParse(json);
  if (!parsed.success) throw invalid();
  if (parsed.data.exp * 1000 <= now.getTime()) {
    throw new BidTokenError(410, TOKEN_REFUSALS.expired, `The bid token expired at ${new Date(parsed.data.exp * 1000).toISOString()}; ping again`);
  }
  return parsed.data;
}

/** What the token is bound to: the offer, the pinged fields (normalised) and the person hashes. */
export interface PingedData {
  offerId: string;
  fields: Record<string, string>;
  emailHash: string | null;
  phoneHash: string | null;
}

/** SHA-256 hex of the pinged data in a canonical form (field names sorted). */
export function pingDataHash(data: PingedData): string {
  const fields = Object.keys(data.fields)
    .sort()
    .map((name) => [name, data.fields[name]]);
  const canonical = JSON.stringify([data.offerId, fields, data.emailHash, data.phoneHash]);
  return createHash("sha256").update(canonical).digest("hex");
}
