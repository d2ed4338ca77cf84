import Stripe from "stripe";
import { getEnv } from "~/utils/env.server";

let client: Stripe | undefined;

/** The one Stripe client: api.stripe.com, or the local emulator when STRIPE_API_BASE is set. */
export function getStripe(): Stripe {
  if (client) return client;
  const env = getEnv();
  const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null;
  client = new Stripe(env.STRIPE_SECRET_KEY, {
    maxNetworkRetries: 2,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === "https:" ? 443 : 80)),
          protocol: base.protocol === "https:" ? "https" : "http",
        }
      : {}),
  });
  return client;
}
