/** What an API route is, and the small helpers route handlers share. */
import type Stripe from "stripe";
import { type StripeApiError, invalidParam, invalidRequest, noSuch } from "./errors.js";
import type { RequestInfo } from "./event-log.js";
import type { ParamReader } from "./params.js";

export interface Call {
  params: ParamReader;
  ids: string[];
  request: RequestInfo;
  /** The connected account named by the Stripe-Account header, or null for the platform. */
  account: string | null;
}

export type Handler = (call: Call) => object;

export interface Route {
  method: "GET" | "POST" | "DELETE";
  pattern: RegExp;
  handler: Handler;
  /** Whether the route may act as a connected account (Stripe-Account header). */
  onBehalf: boolean;
}

export const ID = "([^/]+)";

export function route(method: Route["method"], path: string, handler: Handler, opts: { onBehalf?: boolean } = {}): Route {
  return { method, pattern: new RegExp(`^${path}$`), handler, onBehalf: opts.onBehalf ?? false };
}

export function cannotExpand(path: string, index: number): StripeApiError {
  return invalidRequest(`This property cannot be expanded (${path}) in the Leadex Stripe emulator.`, `expand[${index}]`, "parameter_invalid");
}

/** Refuses any `expand[]` entry (for objects whose expandable fields the emulator does not expand). */
export function noExpansions(params: ParamReader): void {
  params.stringArray("expand").forEach((path, i) => {
    throw cannotExpand(path, i);
  });
}

export function checkUrl(param: string, value: string): void {
  try {
    const url = new URL(value.replaceAll("{CHECKOUT_SESSION_ID}", "x"));
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("bad protocol");
  } catch {
    throw invalidRequest("Not a valid URL", param, "url_invalid");
  }
}

export function checkCurrency(param: string, raw: string): string {
  const currency = raw.toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidParam(param, `Invalid currency: ${currency}.`);
  return currency;
}

/**
 * One page of a list whose items are newest first: `limit` 1-100 (default 10), cursors
 * `starting_after` / `ending_before` (object ids), as Stripe pages lists.
 */
export function listPage<T extends { id: string }>(params: ParamReader, items: T[], url: string, kind: string): Stripe.ApiList<T> {
  const limit = params.integer("limit", { min: 1 }) ?? 10;
  if (limit > 100) throw invalidParam("limit", "This value must be less than or equal to 100.");
  const after = params.optionalString("starting_after");
  const before = params.optionalString("ending_before");
  if (after !== null && before !== null) {
    throw invalidRequest("You may only specify one of these parameters: ending_before, starting_after.", "ending_before");
  }
  const cursorIndex = (id: string, param: string) => {
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) throw noSuch(kind, id, param, 400);
    return index;
  };
  let data: T[];
  let hasMore: boolean;
  if (before !== null) {
    const end = cursorIndex(before, "ending_before");
    data = items.slice(Math.max(0, end - limit), end);
    hasMore = end - limit > 0;
  } else {
    const start = after === null ? 0 : cursorIndex(after, "starting_after") + 1;
    data = items.slice(start, start + limit);
    hasMore = items.length > start + limit;
  }
  return { object: "list", data, has_more: hasMore, url };
}
