import { z } from "zod";
import { keysetCursorParam } from "~/utils/keyset-cursor";
import { AFFILIATE_POSTBACK_EVENTS, OUTBOUND_STATUSES, POSTBACK_MACROS } from "./deliveries.constants";
export * from "./deliveries.constants";

// Outbound deliveries (CRM webhooks, affiliate postbacks) and the pull API: shapes shared by the
// portal forms, the API routes and the modules.

export const MACRO_PATTERN = /\{([^{}]*)\}/g;

/** The macros a template uses that Leadex does not know, in order of appearance. */
export function unknownMacros(template: string): string[] {
  const unknown: string[] = [];
  for (const match of template.matchAll(MACRO_PATTERN)) {
    const name = match[1];
    if (!(name in POSTBACK_MACROS) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

const postbackUrlTemplateSchema = z
  .string()
  .trim()
  .max(2000, "At most 2000 characters")
  .superRefine((template, ctx) => {
    const unknown = unknownMacros(template);
    if (unknown.length > 0) {
      ctx.addIssue({ code: "custom", message: `Unknown macro ${unknown.map((m) => `{${m}}`).join(", ")}` });
      return;
    }
    // Macros become URL-encoded values, so a placeholder stands in for them when checking the URL.
    let url: URL;
    try {
      url = new URL(template.replace(MACRO_PATTERN, "x"));
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter a full URL, e.g. https://tracker.example/postback?id={lead_id}" });
      return;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") ctx.addIssue({ code: "custom", message: "Only http:// or https:// URLs" });
  });

/** The affiliate's postback settings form: an empty URL turns postbacks off. */
export const postbackSettingsSchema = z.object({
  postbackUrl: z.union([z.literal("").transform(() => null), postbackUrlTemplateSchema]),
  postbackEvents: z.array(z.enum(AFFILIATE_POSTBACK_EVENTS, { message: "Unknown event" })).default([]),
});
export type PostbackSettings = z.infer<typeof postbackSettingsSchema>;

/** A delivery log as the URL keeps it (an unknown value shows every delivery). */
export const deliveryLogFilterSchema = z.object({
  status: z.enum(OUTBOUND_STATUSES).optional().catch(undefined),
  cursor: keysetCursorParam.optional().catch(undefined),
});
export type DeliveryLogFilter = z.infer<typeof deliveryLogFilterSchema>;

export const replayFormSchema = z.object({ deliveryId: z.string().min(1) });

/** The "Rotate the signing secret" button. */
export const rotateSecretFormSchema = z.object({ intent: z.literal("rotate") });

/** A date the database can compare with (PostgreSQL refuses years before 4713 BC; ours start in 1970). */
export function isStorableDate(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= 1970 && year <= 9999;
}

export const PULL_DEFAULT_LIMIT = 100;
export const PULL_MAX_LIMIT = 500;

/** `GET /api/v1/advertiser/leads` query: `since` (ISO date-time), `limit`, or the `cursor` a previous page answered. */
export const pullQuerySchema = z.object({
  since: z.iso
    .datetime({ offset: true, message: "Use an ISO 8601 date-time, e.g. 2025-03-14T09:00:00Z" })
    .refine((v) => isStorableDate(new Date(v)), "Use a date between the years 1970 and 9999")
    .optional(),
  limit: z.coerce
    .number({ message: "Use a whole number" })
    .int("Use a whole number")
    .min(1, "At least 1")
    .max(PULL_MAX_LIMIT, `At most ${PULL_MAX_LIMIT}`)
    .default(PULL_DEFAULT_LIMIT),
  cursor: z.string().min(1).optional(),
});
export type PullQuery = z.infer<typeof pullQuerySchema>;
