import { randomBytes } from "node:crypto";
import { getEnv } from "./env.server";
import { whyTextIsUnstorable } from "./storable-text";

// What server.js does to every request before the app sees it: security headers on every answer,
// URLs that no route can read refused, and cross-site form posts refused. Written here, in
// TypeScript beside the rules they share, and handed to server.js by entry.server.tsx.

/** An answer given instead of the app's. */
export interface HttpRefusal {
  status: number;
  contentType: string;
  body: string;
}

/** Where a plain form post may lead: Leadex, and Stripe's hosted Checkout (the top-up form redirects there). */
function checkoutOrigin(): string {
  const base = getEnv().STRIPE_API_BASE;
  // The emulator of the demo and the tests serves its Checkout page on its own origin.
  return base ? new URL(base).origin : "https://checkout.stripe.com";
}

export function appOrigin(): string {
  return new URL(getEnv().APP_URL).origin;
}

/** The conversion pixel (routes/api.v1.conversions.pixel.ts), whose iframe form any site may embed. */
const CONVERSION_PIXEL_PATH = "/api/v1/conversions/pixel";

/** Machine endpoints authenticated by API key or signature, never by cookie: cross-origin calls are their normal use. */
function isMachineEndpoint(path: string): boolean {
  return path.startsWith("/api/") || path.startsWith("/webhooks/");
}

/**
 * The headers every answer carries, and the CSP nonce of a page. Pages get a CSP whose scripts
 * must come from this site or carry this request's nonce (Remix's inline hydration scripts do);
 * API answers, which no browser should render, get a CSP that allows nothing, and no nonce
 * (making one is most of the cost of this on the postback hot path).
 */
export function securityHeadersFor(path: string): { headers: Record<string, string>; cspNonce: string | null } {
  const cspNonce = isMachineEndpoint(path) ? null : randomBytes(16).toString("base64");
  // The conversion pixel's iframe form is made to sit in advertisers' own pages.
  const framable = path === CONVERSION_PIXEL_PATH;
  const headers: Record<string, string> = {
    "Content-Security-Policy":
      cspNonce === null ? `default-src 'none'; frame-ancestors ${framable ? "*" : "'none'"}` : pagePolicy(cspNonce, isQueueDashboard(path)),
    "X-Content-Type-Options": "nosniff",
    // Not no-referrer: with it, browsers send `Origin: null` on same-site form posts.
    "Referrer-Policy": "strict-origin-when-cross-origin",
  };
  if (!framable) headers["X-Frame-Options"] = "DENY";
  if (getEnv().APP_URL.startsWith("https://")) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  return { headers, cspNonce };
}

/** bull-board's own pages (admins only) style their elements inline; their scripts stay as strict as ours. */
const isQueueDashboard = (path: string) => path === "/admin/queues" || path.startsWith("/admin/queues/");

function pagePolicy(nonce: string, inlineStyles: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    inlineStyles ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `form-action 'self' ${checkoutOrigin()}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
}

function page(status: number, title: string, text: string): HttpRefusal {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body =
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Leadex</title></head>` +
    `<body><main><p>${status}</p><h1>${escape(title)}</h1><p>${escape(text)}</p><p><a href="/">Go to Leadex</a></p></main></body></html>`;
  return { status, contentType: "text/html; charset=utf-8", body };
}

function apiError(status: number, code: string, message: string, fields?: Record<string, string>): HttpRefusal {
  return { status, contentType: "application/json; charset=utf-8", body: JSON.stringify({ error: { code, message, fields } }) };
}

/**
 * A URL whose path or query decodes to text no route can use (a NUL or control character, broken
 * Unicode, or, in the path, broken percent-encoding): 400 for pages, and for the API the JSON
 * error naming the query parameter. Checked once here, so no loader meets such a value.
 */
export function refuseUnreadableUrl(path: string, originalUrl: string): HttpRefusal | null {
  const api = isMachineEndpoint(path);
  const q = originalUrl.indexOf("?");
  const rawPath = q === -1 ? originalUrl : originalUrl.slice(0, q);
  let decodedPath: string | null;
  try {
    decodedPath = decodeURIComponent(rawPath);
  } catch {
    decodedPath = null;
  }
  const pathProblem = decodedPath === null ? "Contains broken percent-encoding" : whyTextIsUnstorable(decodedPath);
  if (pathProblem) {
    return api
      ? apiError(400, "malformed_url", `The URL path: ${pathProblem.toLowerCase()}`)
      : page(400, "That address cannot be read", `The address of this page: ${pathProblem.toLowerCase()}.`);
  }
  if (q === -1) return null;
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(originalUrl.slice(q + 1))) {
    const problem = whyTextIsUnstorable(key) ?? whyTextIsUnstorable(value);
    const name = JSON.stringify(key).slice(1, -1);
    if (problem && !Object.hasOwn(fields, name)) fields[name] = problem;
  }
  const [first] = Object.entries(fields);
  if (!first) return null;
  return api
    ? apiError(422, "invalid_fields", "Some fields are invalid", fields)
    : page(400, "That address cannot be read", `The address parameter "${first[0]}": ${first[1].toLowerCase()}.`);
}

/**
 * A form posted to Leadex from another site (cross-site request forgery): 403. Browsers send
 * `Origin` on every POST; it must be APP_URL's origin (`null`, from sandboxed frames and some
 * redirects, is refused too). Without `Origin`, a `Referer` from elsewhere is refused; with
 * neither, the caller is not a browser (curl, a script with its own cookie) and may go on.
 */
export function refuseCrossSiteForm(request: { method: string; path: string; origin?: string; referer?: string }): HttpRefusal | null {
  if (["GET", "HEAD", "OPTIONS"].includes(request.method.toUpperCase()) || isMachineEndpoint(request.path)) return null;
  const own = appOrigin();
  let from: string | null;
  if (request.origin) from = request.origin;
  else if (request.referer) {
    try {
      from = new URL(request.referer).origin;
    } catch {
      from = "an unreadable address";
    }
  } else from = null;
  if (from === null || from === own) return null;
  return page(
    403,
    "This form was sent from another site",
    `Leadex takes forms only from its own pages at ${own}, and this one came from ${from === "null" ? "a page that hides its address" : from}. ` +
      "Nothing was changed. If a page elsewhere asked you to submit it, do not: open Leadex yourself and try again there.",
  );
}
