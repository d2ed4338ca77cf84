import { z } from "zod";

const booleanish = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url(),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  QUEUE_PREFIX: z.string().min(1).default("leadex"),
  SESSION_SECRET: z.string().min(16, "SESSION_SECRET must be at least 16 characters"),
  APP_URL: z.string().url().default("http://localhost:3000"),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_/, "STRIPE_SECRET_KEY must look like sk_test_..."),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_"),
  // Stripe sends events of connected accounts (payout.failed, ...) to a second endpoint with its
  // own secret; the same URL accepts either. Unset: one endpoint, one secret.
  STRIPE_CONNECT_WEBHOOK_SECRET: z.string().startsWith("whsec_").optional(),
  // Set to the local Stripe emulator (e.g. http://127.0.0.1:12111); unset means api.stripe.com.
  STRIPE_API_BASE: z.string().url().optional(),
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(2000),
  OUTBOX_SWEEP_MS: z.coerce.number().int().min(100).default(5000),
  SECURE_COOKIES: booleanish.optional(),
  // Signs ping-post bid tokens (HMAC-SHA256); at least 16 characters.
  BID_TOKEN_SECRET: z.string().min(16, "BID_TOKEN_SECRET must be at least 16 characters"),
  // How long a bid token stays valid, and how long external buyers get to answer a ping.
  BID_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  PING_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(500),
  // Outbound deliveries (CRM webhooks, affiliate postbacks): per-request timeout and attempts.
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  DELIVERY_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  // The pull API shows a sale this long after it was made, so a page never passes one still committing.
  PULL_API_SETTLE_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  // Let webhooks, postbacks and external buyers be called on loopback / private addresses.
  // Only for tests and a local demo: in production it would let users make us call our own network.
  OUTBOUND_ALLOW_PRIVATE_ADDRESSES: booleanish.default(false),
  // Brute-force limits (counted in Redis; see docs/operations.md). Failed sign-ins on one account
  // within the window lock it for LOGIN_LOCK_SECONDS.
  LOGIN_ACCOUNT_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_ACCOUNT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).default(900),
  // Failed sign-ins from one client address (any accounts) before it must wait out the window.
  LOGIN_ADDRESS_MAX_FAILURES: z.coerce.number().int().min(1).default(20),
  LOGIN_ADDRESS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  SIGNUP_ADDRESS_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  SIGNUP_ADDRESS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
  // Requests with a missing, unknown or revoked API key; requests with a valid key never count.
  API_KEY_ADDRESS_MAX_FAILURES: z.coerce.number().int().min(1).default(20),
  API_KEY_ADDRESS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(300),
  // Scheduled work (workers/schedules.ts): how often held earnings past their return window are
  // released, and when payout runs happen (cron, UTC; weekly on Monday 09:00 by default).
  EARNINGS_RELEASE_EVERY_MS: z.coerce.number().int().min(1000).default(3_600_000),
  // Conversions: bill what waited (funds, holds, lost jobs) and lock what is due.
  CONVERSION_UPKEEP_EVERY_MS: z.coerce.number().int().min(1000).default(60_000),
  // Conversion reconciliation (under-reporting watch, stuck states): when it runs (cron, UTC;
  // daily at 04:30 by default), and how long past its lock a pending conversion counts as stuck.
  CONVERSION_RECONCILIATION_CRON: z
    .string()
    .regex(/^\S+( \S+){4,5}$/, "CONVERSION_RECONCILIATION_CRON must be a cron expression like '30 4 * * *'")
    .default("30 4 * * *"),
  CONVERSION_STUCK_GRACE_MS: z.coerce.number().int().min(0).default(3_600_000),
  // Ledger reconciliation (ledger vs Stripe's balance transactions and balance): daily at 03:30 UTC by default.
  LEDGER_RECONCILIATION_CRON: z
    .string()
    .regex(/^\S+( \S+){4,5}$/, "LEDGER_RECONCILIATION_CRON must be a cron expression like '30 3 * * *'")
    .default("30 3 * * *"),
  PAYOUT_SCHEDULE_CRON: z
    .string()
    .regex(/^\S+( \S+){4,5}$/, "PAYOUT_SCHEDULE_CRON must be a cron expression like '0 9 * * 1'")
    .default("0 9 * * 1"),
  // The smallest available balance a payout run pays (cents).
  PAYOUT_MINIMUM_CENTS: z.coerce.number().int().min(1).default(5000),
  // Returns and disputes: how long the other side has to answer (hours), and how often the
  // deadline job runs; when every company's approved-return rate is recomputed (cron, UTC).
  DISPUTE_RESPONSE_HOURS: z.coerce.number().int().min(1).default(72),
  DISPUTE_DEADLINES_EVERY_MS: z.coerce.number().int().min(1000).default(60_000),
  RETURN_RATES_CRON: z
    .string()
    .regex(/^\S+( \S+){4,5}$/, "RETURN_RATES_CRON must be a cron expression like '15 3 * * *'")
    .default("15 3 * * *"),
  // How often pending top-ups whose Checkout Session must have expired are re-read from Stripe.
  CHECKOUT_EXPIRY_EVERY_MS: z.coerce.number().int().min(1000).default(3_600_000),
  // Auto-recharge's safety net: how often it runs, and how old a pending recharge must be before it
  // is re-read from Stripe (a lost webhook) or sent again (it never reached Stripe).
  AUTO_RECHARGE_EVERY_MS: z.coerce.number().int().min(1000).default(300_000),
  AUTO_RECHARGE_STALE_AFTER_MS: z.coerce.number().int().min(0).default(900_000),
  // Postpaid advertisers: the period each invoice covers (UTC), when closed periods are invoiced and
  // overdue invoices swept, the grace after the due date before orders pause, and the days to pay a sent invoice.
  INVOICE_PERIOD: z.enum(["day", "week", "month"]).default("month"),
  INVOICE_RUN_CRON: z
    .string()
    .regex(/^\S+( \S+){4,5}$/, "INVOICE_RUN_CRON must be a cron expression like '30 1 * * *'")
    .default("30 1 * * *"),
  INVOICE_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  INVOICE_DAYS_UNTIL_DUE: z.coerce.number().int().min(0).max(365).default(14),
  // Reports (modules/reports/report-rollups.server.ts): how often today's and yesterday's rollups
  // are recomputed, and when the last 60 days are (late conversions and returns; cron, UTC).
  REPORT_ROLLUPS_EVERY_MS: z.coerce.number().int().min(1000).default(300_000),
  REPORT_ROLLUPS_NIGHTLY_CRON: z
    .string()
    .regex(/^\S+( \S+){4,5}$/, "REPORT_ROLLUPS_NIGHTLY_CRON must be a cron expression like '45 2 * * *'")
    .default("45 2 * * *"),
  // GET /metrics (Prometheus) answers only with `Authorization: Bearer <this>`; unset, it answers 404.
  METRICS_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional()),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** Parses process.env once; throws a readable error naming every bad variable. */
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/**
 * An absolute URL on this app: APP_URL and the path. Links shown or sent elsewhere are built from
 * APP_URL only, never from the request's Host header, which the client chooses.
 */
export function publicUrl(path: string): string {
  return `${getEnv().APP_URL.replace(/\/+$/, "")}${path}`;
}
