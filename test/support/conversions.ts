import { expect } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "../factories/accounts";
import { fundWallet } from "../factories/billing";
import { makeOffer, makeOrder } from "../factories/marketplace";
import { postAndSettle } from "./selling";
import type { TestStack } from "./stack";
import { waitFor } from "./wait";

// A CPA or CPS market: an affiliate's offer, a funded advertiser's order on it, leads delivered
// over HTTP, and conversions reported through the real conversion postback.

export const CPA_EVENTS = [
  { code: "application", label: "Application", payoutCents: 1500 },
  { code: "funded", label: "Loan funded", payoutCents: 12_000 },
];

export async function makeConversionMarket(stack: TestStack, offer: Parameters<typeof makeOffer>[1] = {}, opts: { fundCents?: number } = {}) {
  const affiliate = await makeAffiliate();
  const made = await makeOffer(affiliate.actor, { pricingModel: "CPA", priceCents: 0, conversionEvents: CPA_EVENTS, ...offer });
  const buyer = await makeAdvertiser();
  const order = await makeOrder(buyer.actor, made.id, { priceCents: undefined });
  if ((opts.fundCents ?? 50_000) > 0) await fundWallet(buyer.actor, opts.fundCents ?? 50_000, stack.emulator);
  return { affiliate, offer: made, buyer, order };
}

/** Posts a lead and waits until it is sold (delivered) to the market's order. */
export async function deliveredLead(stack: TestStack, market: { affiliate: { apiKey: string }; offer: { id: string } }) {
  const lead = await postAndSettle(stack, market.affiliate.apiKey, market.offer.id);
  expect(lead.status).toBe("SOLD");
  return lead;
}

export async function postConversion(
  appUrl: string,
  apiKey: string,
  body: Record<string, unknown>,
  options: { format?: "json" | "form" | "get" } = {},
): Promise<{ status: number; body: any }> {
  const format = options.format ?? "json";
  const url = new URL("/api/v1/conversions", appUrl);
  let response: Response;
  if (format === "get") {
    for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
    response = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });
  } else {
    const form = format === "form";
    response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": form ? "application/x-www-form-urlencoded" : "application/json" },
      body: form ? new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString() : JSON.stringify(body),
    });
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}

/** Waits until the worker has billed (or otherwise decided) the conversion. */
export async function settledConversion(conversionId: string) {
  return waitFor(`conversion ${conversionId} to be decided`, async () => {
    const conversion = await prisma.conversion.findUniqueOrThrow({ where: { id: conversionId } });
    return conversion.status !== "RECEIVED" || conversion.reasonCode === "awaiting_funds" ? conversion : undefined;
  });
}
