import { z } from "zod";
import { LeadStatus } from "~/generated/prisma/enums";
import { TEMPERATURES } from "~/modules/quality/quality.constants";
import type { LeadConsent, LeadSignals } from "~/modules/quality/quality.schema";

// The postback envelope. Every other key of the postback is a lead field (see docs/api.md).
export const SUB_ID_KEYS = ["s1", "s2", "s3", "s4", "s5"] as const;
const ENVELOPE_KEYS = new Set<string>([
  "offer_id",
  "lead_id",
  "api_key",
  "ip_address",
  "user_agent",
  "fields",
  "sub_ids",
  "consent_text",
  "consent_at",
  "consent_cert_url",
  "time_on_form",
  "pages_viewed",
  "test",
  ...SUB_ID_KEYS,
]);

const optionalText = (max: number) => z.string().trim().max(max, `At most ${max} characters`).optional();
// Postbacks arrive as text (forms, query strings; JSON numbers are turned into text by splitPostback).
const emptyAsMissing = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optionalCount = (what: string, max: number, integer: boolean) =>
  z.preprocess(
    emptyAsMissing,
    z
      .string()
      .trim()
      .regex(integer ? /^\d+$/ : /^\d+(\.\d+)?$/, `${what}: a ${integer ? "whole " : ""}number of 0 or more`)
      .transform(Number)
      .refine((n) => n <= max, `At most ${max}`)
      .optional(),
  );
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

export const postbackEnvelopeSchema = z.object({
  offer_id: z.string({ message: "Required: the id of your offer" }).trim().min(1, "Required: the id of your offer"),
  lead_id: z.string({ message: "Required: your own id for this lead" }).trim().min(1, "Required: your own id for this lead").max(100, "At most 100 characters"),
  s1: optionalText(255),
  s2: optionalText(255),
  s3: optionalText(255),
  s4: optionalText(255),
  s5: optionalText(255),
  ip_address: optionalText(64),
  user_agent: optionalText(500),
  consent_text: optionalText(5000),
  consent_at: z.preprocess(
    emptyAsMissing,
    z
      .string()
      .trim()
      .refine((v) => ISO_TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v)), "An ISO 8601 timestamp with a time zone, e.g. 2025-01-31T14:05:00Z")
      .optional(),
  ),
  consent_cert_url: z.preprocess(
    emptyAsMissing,
    z
      .string()
      .trim()
      .max(1000, "At most 1000 characters")
      .refine((v) => {
        try {
          return new URL(v).protocol === "https:";
        } catch {
          return false;
        }
      }, "An https:// URL of the consent certificate")
      .optional(),
  ),
  time_on_form: optionalCount("Seconds on the form", 86_400, false),
  pages_viewed: optionalCount("Pages viewed", 10_000, true),
  test: z.preprocess(
    emptyAsMissing,
    z
      .enum(["true", "1", "false", "0"], { message: "Use true or 1 for a test postback (false or 0 otherwise)" })
      .transform((v) => v === "true" || v === "1")
      .optional(),
  ),
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

/** The consent posted with a lead, as stored in Lead.consent; null when none was posted. */
export function consentOf(envelope: PostbackEnvelope): LeadConsent | null {
  const consent: LeadConsent = {};
  if (envelope.consent_text) consent.text = envelope.consent_text;
  if (envelope.consent_at) consent.at = new Date(envelope.consent_at).toISOString();
  if (envelope.consent_cert_url) consent.certUrl = envelope.consent_cert_url;
  return Object.keys(consent).length > 0 ? consent : null;
}

/** The activity signals posted with a lead, as stored in Lead.signals. */
export function signalsOf(envelope: PostbackEnvelope): LeadSignals {
  const signals: LeadSignals = {};
  if (envelope.time_on_form !== undefined) signals.timeOnFormSeconds = envelope.time_on_form;
  if (envelope.pages_viewed !== undefined) signals.pagesViewed = envelope.pages_viewed;
  return signals;
}

// An empty or unknown filter value shows every bought lead rather than an error.
export const boughtLeadFilterSchema = z.object({
  temperature: z.enum(TEMPERATURES).optional().catch(undefined),
  minScore: z.coerce.number().int().min(0).max(100).optional().catch(undefined),
});

// An unknown or empty status shows every lead rather than an error.
export const adminLeadFilterSchema = z.object({ status: z.enum(Object.values(LeadStatus)).optional().catch(undefined) });
