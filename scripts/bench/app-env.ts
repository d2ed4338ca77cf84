import { randomBytes } from "node:crypto";

/**
 * The environment a bench or chaos run gives the web server and workers it starts: production
 * mode, its own queue prefix (so nothing else on the Redis is touched) and fixed throwaway secrets.
 */
export function throwawayAppEnv(opts: {
  /** Names the run in the queue prefix and secrets ("bench", "chaos"). */
  kind: string;
  dbUrl: string;
  redisUrl: string;
  stripe: { apiBase: string; webhookSecret: string };
  appUrl?: string;
}): Record<string, string> {
  const { kind } = opts;
  return {
    NODE_ENV: "production",
    DATABASE_URL: opts.dbUrl,
    REDIS_URL: opts.redisUrl,
    QUEUE_PREFIX: `leadex_${kind}_${randomBytes(3).toString("hex")}`,
    SESSION_SECRET: `${kind}-session-secret-0123456789`,
    BID_TOKEN_SECRET: `${kind}-bid-token-secret-0123456789`,
    STRIPE_SECRET_KEY: `sk_test_${kind}`,
    STRIPE_WEBHOOK_SECRET: opts.stripe.webhookSecret,
    STRIPE_API_BASE: opts.stripe.apiBase,
    ...(opts.appUrl ? { APP_URL: opts.appUrl, SECURE_COOKIES: "false" } : {}),
  };
}
