import { z } from "zod";
import { parseAmountToCents } from "~/utils/money";

export const VERTICALS = ["insurance", "auto", "education", "finance", "travel", "home-services", "health", "legal", "solar"] as const;
export const LEAD_FIELD_TYPES = ["string", "email", "phone", "state", "postal_code", "number"] as const;
export type LeadFieldType = (typeof LEAD_FIELD_TYPES)[number];

/** Fields most offers carry; an offer picks which it requires. */
export const STANDARD_FIELDS: ReadonlyArray<{ name: string; type: LeadFieldType; label: string }> = [
  { name: "first_name", type: "string", label: "First name" },
  { name: "last_name", type: "string", label: "Last name" },
  { name: "email", type: "email", label: "Email" },
  { name: "phone", type: "phone", label: "Phone" },
  { name: "state", type: "state", label: "State" },
  { name: "postal_code", type: "postal_code", label: "Postal code" },
];

export const offerFieldSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "Field names are lower_snake_case"),
  type: z.enum(LEAD_FIELD_TYPES),
  required: z.boolean(),
});
export type OfferField = z.infer<typeof offerFieldSchema>;
export const offerFieldsSchema = z.array(offerFieldSchema);

const moneySchema = z
  .union([z.number().int(), z.string()])
  .transform((v, ctx) => {
    const cents = typeof v === "number" ? v : v.trim() === "" ? 0 : parseAmountToCents(v);
    if (cents === null || cents < 0) {
      ctx.addIssue({ code: "custom", message: "Enter a price such as 25 or 25.50" });
      return z.NEVER;
    }
    // 1,000,000.00 at most: prices live in an Int column (orders.schema.ts caps bids the same way).
    if (cents > 100_000_000) {
      ctx.addIssue({ code: "custom", message: "A price is at most 1,000,000.00" });
      return z.NEVER;
    }
    return cents;
  });

const stateListSchema = z
  .union([z.array(z.string()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.split(/[\s,]+/)).map((s) => s.trim().toUpperCase()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, "Use two-letter state codes, e.g. CA, TX")));

export const createOfferSchema = z
  .object({
    title: z.string().trim().min(3, "Give the offer a title of at least 3 characters").max(120),
    vertical: z.enum(VERTICALS, { message: "Choose a vertical" }),
    country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, "Use a two-letter country code").default("US"),
    states: stateListSchema.default([]),
    fields: offerFieldsSchema.min(1, "Choose at least one lead field"),
    pricingModel: z.enum(["CPL", "CPA", "CPS"], { message: "Choose CPL, CPA or CPS" }),
    priceCents: moneySchema,
    salePercentBps: z.coerce.number().int().min(1).max(10_000).optional(),
    exclusivity: z.enum(["EXCLUSIVE", "SHARED"]).default("EXCLUSIVE"),
    maxBuyers: z.coerce.number().int().min(1).max(10).default(1),
    returnWindowDays: z.coerce.number().int().min(0, "Return window cannot be negative").max(60).default(7),
  })
  .refine((o) => o.fields.some((f) => f.type === "email" || f.type === "phone"), {
    message: "An offer must carry an email or a phone field",
    path: ["fields"],
  })
  // CPL and CPA need a price; CPS needs a fixed fee, a share of the sale, or both.
  .refine((o) => o.priceCents > 0 || (o.pricingModel === "CPS" && o.salePercentBps !== undefined), {
    message: "Enter a price such as 25 or 25.50",
    path: ["priceCents"],
  })
  .transform((o) => ({ ...o, maxBuyers: o.exclusivity === "EXCLUSIVE" ? 1 : Math.max(o.maxBuyers, 2) }));
export type CreateOfferInput = z.input<typeof createOfferSchema>;
export type CreateOfferData = z.output<typeof createOfferSchema>;

/** Maps the offer form (checkbox per standard field: "required" | "optional") to schema input. */
export function offerFormToInput(form: FormData): Record<string, unknown> {
  const fields = STANDARD_FIELDS.flatMap((f) => {
    const choice = form.get(`field_${f.name}`);
    return choice === "required" || choice === "optional" ? [{ name: f.name, type: f.type, required: choice === "required" }] : [];
  });
  // Required inputs stay as typed (even empty) so the schema names them; empty optional ones take defaults.
  const required = Object.fromEntries(["title", "vertical", "pricingModel"].map((k) => [k, form.get(k) ?? ""]));
  const optional = Object.fromEntries(
    ["country", "states", "exclusivity", "maxBuyers", "returnWindowDays", "salePercentBps"]
      .map((k) => [k, form.get(k)] as const)
      .filter(([, v]) => typeof v === "string" && v !== ""),
  );
  return { ...required, ...optional, fields, priceCents: form.get("price") ?? "" };
}
