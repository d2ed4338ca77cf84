import { z } from "zod";
import { parseAmountToCents } from "~/utils/money";
import { MAX_TOP_UP_CENTS, MIN_TOP_UP_CENTS } from "./billing.schema";

/** Dollars typed on the form, as cents within [min, max]; the message names the bounds. */
const dollars = (min: number, max: number, message: string) =>
  z.string().transform((v, ctx) => {
    const cents = parseAmountToCents(v);
    if (cents === null || cents < min || cents > max) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return cents;
  });

/** The auto-recharge settings form: a checkbox and two amounts in dollars (stored as cents). */
export const autoRechargeFormSchema = z.object({
  enabled: z
    .literal("on")
    .optional()
    .transform((v) => v === "on"),
  threshold: dollars(0, MAX_TOP_UP_CENTS, "Enter a threshold between 0 and 100,000"),
  amount: dollars(MIN_TOP_UP_CENTS, MAX_TOP_UP_CENTS, "Enter an amount between 10 and 100,000"),
});
export type AutoRechargeSettings = z.infer<typeof autoRechargeFormSchema>;
