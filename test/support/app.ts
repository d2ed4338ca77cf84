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

/** The page as a person reads it: markup without scripts (whose hydration data repeats every answer). */
export function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, " ");
}

export interface PageAnswer {
  status: number;
  location: string | null;
  /** The visible text of the answer (see `visibleText`). */
  text: string;
}

async function pageAnswer(response: Response): Promise<PageAnswer> {
  return { status: response.status, location: response.headers.get("location"), text: visibleText(await response.text()) };
}

/** GETs a portal page as the signed-in `cookie` (or nobody), without following redirects. */
export async function getPage(appUrl: string, path: string, cookie?: string): Promise<PageAnswer> {
  return pageAnswer(await fetch(new URL(path, appUrl), { redirect: "manual", headers: cookie ? { cookie } : {} }));
}

/** Submits a form the way a browser without JavaScript does, without following redirects. */
export async function submitForm(appUrl: string, path: string, fields: Record<string, string>, cookie?: string): Promise<PageAnswer> {
  return pageAnswer(
    await fetch(new URL(path, appUrl), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams(fields),
    }),
  );
}

/**
 * Submits a form that answers with a redirect and a one-time message (`redirectWithFlash`), then
 * opens the page it leads to with that message: the status and location of the submit, the text of
 * the page after it (302 and no page when the action answered otherwise, e.g. 400 with its errors).
 */
export async function submitAndFollow(appUrl: string, path: string, fields: Record<string, string> | URLSearchParams, cookie: string): Promise<PageAnswer> {
  const answer = await fetch(new URL(path, appUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams(fields),
  });
  const location = answer.headers.get("location");
  if ((answer.status !== 302 && answer.status !== 303) || !location) return pageAnswer(answer);
  const flash = (answer.headers.get("set-cookie") ?? "").split(";")[0];
  const next = await fetch(new URL(location, appUrl), { redirect: "manual", headers: { cookie: [cookie, flash].filter(Boolean).join("; ") } });
  return { status: answer.status, location, text: visibleText(await next.text()) };
}

/**
 * Submits a form that redirects (as a successful action does) and opens the page it leads to with
 * the one-time message it set: that page's answer. A form that answers anything else throws.
 */
export async function submitAndOpen(appUrl: string, path: string, fields: Record<string, string> | URLSearchParams, cookie: string): Promise<PageAnswer> {
  const answer = await fetch(new URL(path, appUrl), {
    method: "POST",
    redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  const location = answer.headers.get("location");
  if ((answer.status !== 302 && answer.status !== 303) || !location)
    throw new Error(`${path} answered ${answer.status}, not a redirect: ${visibleText(await answer.text()).slice(0, 500)}`);
  const flash = (answer.headers.get("set-cookie") ?? "").split(";")[0];
  return getPage(appUrl, location, [cookie, flash].filter(Boolean).join("; "));
}
