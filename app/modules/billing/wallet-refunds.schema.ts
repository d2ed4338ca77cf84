import { z } from "zod";
import { parseAmountToCents } from "~/utils/money";

/** The admin's refund form: an amount of the advertiser's unused balance and why. */
export const walletRefundFormSchema = z.object({
  amount: z.string().transform((v, ctx) => {
    const cents = parseAmountToCents(v);
    if (cents === null || cents < 1) {
      ctx.addIssue({ code: "custom", message: "Enter the amount to refund, e.g. 25.00" });
      return z.NEVER;
    }
    return cents;
  }),
  note: z
    .string()
    .trim()
    .min(1, "Say why the balance is refunded (the advertiser's request, closing the account…)")
    .max(500, "Keep the note under 500 characters"),
});

/** The admin's "ask Stripe again" button for refunds still waiting for an answer. */
export const refundRetryFormSchema = z.object({ intent: z.literal("retry") });
