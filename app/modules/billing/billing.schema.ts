import { z } from "zod";
import { parseAmountToCents } from "~/utils/money";

export const MIN_TOP_UP_CENTS = 1_000;
export const MAX_TOP_UP_CENTS = 10_000_000;

export const topUpFormSchema = z.object({
  amount: z.string().transform((v, ctx) => {
    const cents = parseAmountToCents(v);
    if (cents === null || cents < MIN_TOP_UP_CENTS || cents > MAX_TOP_UP_CENTS) {
      ctx.addIssue({ code: "custom", message: "Enter an amount between 10 and 100,000" });
      return z.NEVER;
    }
    return cents;
  }),
});

// The part of a Stripe event Leadex reads, checked after the signature is verified. `account` is
// set on events about (or from) a connected account.
export const stripeEventSchema = z.object({
  id: z.string().regex(/^evt_\w+$/, "an event id starts with evt_"),
  object: z.literal("event"),
  type: z.string().min(1),
  account: z.string().startsWith("acct_").optional(),
  data: z.object({ object: z.object({ id: z.string().min(1).max(255), object: z.string() }).passthrough() }),
});
export type StripeEventEnvelope = z.infer<typeof stripeEventSchema>;
