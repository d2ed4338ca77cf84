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

/** The highest price per lead an order may bid: 1,000,000.00 (prices are stored in an Int column). */
export const MAX_ORDER_PRICE_CENTS = 100_000_000;

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
      if (cents > MAX_ORDER_PRICE_CENTS) {
        ctx.addIssue({ code: "custom", message: "A price per lead is at most 1,000,000.00" });
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

/**
 * Which offers take orders. Only CPL is billed today (a lead is paid when it is bought); CPA and
 * CPS need conversion billing, which does not exist yet.
 */
export const ORDERABLE_PRICING_MODELS = ["CPL"] as const;
export const ORDERS_CPL_ONLY_MESSAGE = "CPA and CPS orders open when conversion billing launches; only CPL offers take orders for now";

export function offerTakesOrders(pricingModel: "CPL" | "CPA" | "CPS"): boolean {
  return (ORDERABLE_PRICING_MODELS as readonly string[]).includes(pricingModel);
}

export const ORDER_STATUSES = ["OPEN", "PAUSED", "CLOSED"] as const;
export type OrderStatusValue = (typeof ORDER_STATUSES)[number];

/** Where an order may go from each status: OPEN and PAUSED swap; either closes; CLOSED is final. */
export const ORDER_STATUS_TRANSITIONS: Readonly<Record<OrderStatusValue, readonly OrderStatusValue[]>> = {
  OPEN: ["PAUSED", "CLOSED"],
  PAUSED: ["OPEN", "CLOSED"],
  CLOSED: [],
};

export function canChangeOrderStatus(from: OrderStatusValue, to: OrderStatusValue): boolean {
  return ORDER_STATUS_TRANSITIONS[from].includes(to);
}

/** The pause / resume / close buttons on the orders page. */
export const orderStatusFormSchema = z.object({
  orderId: z.string().min(1, "Choose an order"),
  status: z.enum(ORDER_STATUSES, { message: "Choose open, paused or closed" }),
});

export function orderFormToInput(form: FormData): Record<string, unknown> {
  return {
    offerId: form.get("offerId") ?? "",
    priceCents: form.get("price") ?? "",
    dailyCap: form.get("dailyCap") ?? "",
    filters: { states: form.get("states") ?? "", postalCodePrefixes: form.get("postalCodePrefixes") ?? "" },
  };
}
