import { z } from "zod";
import { parseAmountToCents } from "~/utils/money";

const listSchema = (pattern: RegExp, message: string) =>
  z
    .union([z.array(z.string()), z.string()])
    .transform((v) => (Array.isArray(v) ? v : v.split(/[\s,]+/)).map((s) => s.trim().toUpperCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(pattern, message)));

export const orderFiltersSchema = z.object({
  states: listSchema(/^[A-Z]{2}$/, "Use two-letter state codes, e.g. CA, TX").default([]),
  postalCodePrefixes: listSchema(/^[A-Z0-9]{1,10}$/, "Use postal code prefixes such as 941 or 100").default([]),
});
export type OrderFilters = z.infer<typeof orderFiltersSchema>;

export const createOrderSchema = z.object({
  offerId: z.string().min(1, "Choose an offer"),
  priceCents: z
    .union([z.number().int(), z.string()])
    .transform((v, ctx) => {
      const cents = typeof v === "number" ? v : parseAmountToCents(v);
      if (cents === null || cents <= 0) {
        ctx.addIssue({ code: "custom", message: "Enter a price such as 30 or 30.50" });
        return z.NEVER;
      }
      return cents;
    }),
  dailyCap: z
    .union([z.literal("").transform(() => undefined), z.coerce.number().int().min(1, "A daily cap is at least 1 lead").max(100_000)])
    .optional(),
  filters: orderFiltersSchema.default({ states: [], postalCodePrefixes: [] }),
});
export type CreateOrderInput = z.input<typeof createOrderSchema>;
export type CreateOrderData = z.output<typeof createOrderSchema>;

export function orderFormToInput(form: FormData): Record<string, unknown> {
  return {
    offerId: form.get("offerId") ?? "",
    priceCents: form.get("price") ?? "",
    dailyCap: form.get("dailyCap") ?? "",
    filters: { states: form.get("states") ?? "", postalCodePrefixes: form.get("postalCodePrefixes") ?? "" },
  };
}
