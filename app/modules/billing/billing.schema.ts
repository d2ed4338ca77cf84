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

// The part of a Stripe event Leadex reads, checked after the signature is verified. Ids and types
// are stored, so they must look like Stripe's (no stray characters reach the database). `account`
// is set on events about (or from) a connected account.
export const stripeEventSchema = z.object({
  id: z.string().regex(/^evt_\w{1,255}$/, "an event id is evt_ and letters or digits"),
  object: z.literal("event"),
  type: z.string().regex(/^[\w.]{1,255}$/, "an event type is words joined by dots"),
  account: z
    .string()
    .regex(/^acct_\w{1,255}$/, "an account id is acct_ and letters or digits")
    .optional(),
  data: z.object({ object: z.object({ id: z.string().regex(/^\w{1,255}$/, "an object id is letters, digits and _"), object: z.string() }).passthrough() }),
});
export type StripeEventEnvelope = z.infer<typeof stripeEventSchema>;

export const advertiserBillingQuerySchema = z.object({
  q: z.string().trim().max(200).catch(""),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
