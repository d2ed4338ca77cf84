import { z } from "zod";

const booleanish = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url(),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  QUEUE_PREFIX: z.string().min(1).default("leadex"),
  SESSION_SECRET: z.string().min(16, "SESSION_SECRET must be at least 16 characters"),
  APP_URL: z.string().url().default("http://localhost:3000"),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_/, "STRIPE_SECRET_KEY must look like sk_test_..."),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_"),
  // Set to the local Stripe emulator (e.g. http://127.0.0.1:12111); unset means api.stripe.com.
  STRIPE_API_BASE: z.string().url().optional(),
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(2000),
  DUPLICATE_WINDOW_DAYS: z.coerce.number().int().min(0).default(30),
  OUTBOX_SWEEP_MS: z.coerce.number().int().min(100).default(5000),
  SECURE_COOKIES: booleanish.optional(),
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
