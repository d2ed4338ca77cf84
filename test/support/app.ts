import { afterAll, beforeAll } from "vitest";
import { startTestStack, type TestStack } from "./stack";

/**
 * Starts the real app for this test file and lets the test process call the same modules
 * (factories, Stripe client) against the same emulator and base URL.
 */
export function useTestStack(opts: Parameters<typeof startTestStack>[0] = {}): () => TestStack {
  let stack: TestStack | undefined;
  beforeAll(async () => {
    stack = await startTestStack(opts);
    process.env.STRIPE_API_BASE = stack.emulator.url;
    process.env.APP_URL = stack.appUrl;
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error("the test stack has not started");
    return stack;
  };
}

/** Signs in through the real login form and returns the session cookie. */
export async function signIn(appUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(new URL("/login", appUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }),
  });
  const cookie = response.headers.get("set-cookie");
  if (response.status !== 302 || !cookie) throw new Error(`login failed for ${email}: ${response.status}`);
  return cookie.split(";")[0];
}
