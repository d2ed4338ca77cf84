import { z } from "zod";

// The postback envelope. Every other key of the postback is a lead field (see docs/api.md).
export const SUB_ID_KEYS = ["s1", "s2", "s3", "s4", "s5"] as const;
const ENVELOPE_KEYS = new Set<string>(["offer_id", "lead_id", "api_key", "ip_address", "user_agent", "fields", "sub_ids", ...SUB_ID_KEYS]);

const optionalText = (max: number) => z.string().trim().max(max, `At most ${max} characters`).optional();

export const postbackEnvelopeSchema = z.object({
  offer_id: z.string({ message: "Required: the id of your offer" }).trim().min(1, "Required: the id of your offer"),
  lead_id: z
    .string({ message: "Required: your own id for this lead" })
    .trim()
    .min(1, "Required: your own id for this lead")
    .max(100, "At most 100 characters"),
  s1: optionalText(255),
  s2: optionalText(255),
  s3: optionalText(255),
  s4: optionalText(255),
  s5: optionalText(255),
  ip_address: optionalText(64),
  user_agent: optionalText(500),
});
export type PostbackEnvelope = z.infer<typeof postbackEnvelopeSchema>;

export interface LeadPostback {
  envelope: PostbackEnvelope;
  fields: Record<string, unknown>;
}

function scalar(value: unknown): unknown {
  return typeof value === "number" || typeof value === "boolean" ? String(value) : value;
}

/**
 * Splits a flat postback record (JSON body, form body or query string) into the envelope
 * and the lead's fields. JSON may also nest the fields under "fields" and sub-ids under "sub_ids".
 */
export function splitPostback(record: Record<string, unknown>): { envelope: Record<string, unknown>; fields: Record<string, unknown> } {
  const envelope: Record<string, unknown> = {};
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (ENVELOPE_KEYS.has(key)) envelope[key] = scalar(value);
    else fields[key] = scalar(value);
  }
  if (record.fields && typeof record.fields === "object" && !Array.isArray(record.fields)) {
    for (const [key, value] of Object.entries(record.fields)) fields[key] = scalar(value);
  }
  if (record.sub_ids && typeof record.sub_ids === "object" && !Array.isArray(record.sub_ids)) {
    for (const [key, value] of Object.entries(record.sub_ids)) {
      if ((SUB_ID_KEYS as readonly string[]).includes(key)) envelope[key] = scalar(value);
    }
  }
  delete envelope.fields;
  delete envelope.sub_ids;
  delete envelope.api_key;
  return { envelope, fields };
}
