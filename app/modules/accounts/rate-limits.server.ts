import { formatDuration, formatUtcTime } from "~/utils/duration";
import { getEnv } from "~/utils/env.server";
import { RateLimitedError } from "~/utils/errors";
import { RedisCounter } from "~/utils/rate-limit.server";

// The brute-force counters (limits from env, defaults in app/utils/env.server.ts). Only failures
// count for sign-in and API keys; every sign-up attempt counts.

/** Failed sign-ins per email (known or not): reaching the limit locks the account (account-lock.server.ts). */
export const loginFailuresByEmail = new RedisCounter("login-email", () => {
  const env = getEnv();
  return { max: env.LOGIN_ACCOUNT_MAX_FAILURES, windowSeconds: env.LOGIN_ACCOUNT_WINDOW_SECONDS };
});

/** Failed sign-ins per client address, over all emails: reaching the limit refuses every sign-in from it. */
export const loginFailuresByAddress = new RedisCounter("login-address", () => {
  const env = getEnv();
  return { max: env.LOGIN_ADDRESS_MAX_FAILURES, windowSeconds: env.LOGIN_ADDRESS_WINDOW_SECONDS };
});

export const signUpsByAddress = new RedisCounter("signup-address", () => {
  const env = getEnv();
  return { max: env.SIGNUP_ADDRESS_MAX_ATTEMPTS, windowSeconds: env.SIGNUP_ADDRESS_WINDOW_SECONDS };
});

/** Requests with a missing, unknown or revoked API key, per client address. */
export const apiKeyFailuresByAddress = new RedisCounter("apikey-address", () => {
  const env = getEnv();
  return { max: env.API_KEY_ADDRESS_MAX_FAILURES, windowSeconds: env.API_KEY_ADDRESS_WINDOW_SECONDS };
});

/**
 * Conversion pixel hits with a missing or wrong pixel token, per client address: the API keys'
 * limits, counted apart (the pixel is loaded by the advertisers' customers' browsers).
 */
export const pixelTokenFailuresByAddress = new RedisCounter("pixel-token-address", () => {
  const env = getEnv();
  return { max: env.API_KEY_ADDRESS_MAX_FAILURES, windowSeconds: env.API_KEY_ADDRESS_WINDOW_SECONDS };
});

/** "in 15 minutes (after 14:32 UTC)" */
function whenToRetry(retryAfterSeconds: number): string {
  return `in ${formatDuration(retryAfterSeconds)} (after ${formatUtcTime(new Date(Date.now() + retryAfterSeconds * 1000))})`;
}

export function accountLockedError(retryAfterSeconds: number): RateLimitedError {
  return new RateLimitedError(
    `This account is temporarily locked after too many failed sign-in attempts. Try again ${whenToRetry(retryAfterSeconds)}.`,
    retryAfterSeconds,
  );
}

export function tooManyLoginFailuresError(retryAfterSeconds: number): RateLimitedError {
  return new RateLimitedError(`Too many failed sign-in attempts from your network. Try again ${whenToRetry(retryAfterSeconds)}.`, retryAfterSeconds);
}

export function tooManySignUpsError(retryAfterSeconds: number): RateLimitedError {
  return new RateLimitedError(`Too many sign-ups from your network. Try again ${whenToRetry(retryAfterSeconds)}.`, retryAfterSeconds);
}

export function tooManyApiKeyFailuresError(retryAfterSeconds: number): RateLimitedError {
  return new RateLimitedError(
    `Too many requests with a missing or invalid API key from this address. Try again in ${formatDuration(retryAfterSeconds)}.`,
    retryAfterSeconds,
  );
}

export function tooManyPixelTokenFailuresError(retryAfterSeconds: number): RateLimitedError {
  return new RateLimitedError(
    `Too many conversion pixel hits with a missing or invalid token from this address. Try again in ${formatDuration(retryAfterSeconds)}.`,
    retryAfterSeconds,
  );
}
