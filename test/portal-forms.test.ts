import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { signIn, useTestStack } from "./support/app";

const stack = useTestStack({ workers: false });

async function submit(path: string, fields: Record<string, string>, cookie?: string) {
  const response = await fetch(new URL(path, stack().appUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

/** The page as a person reads it: markup without scripts (whose hydration data repeats every answer). */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
}

describe("portal forms (no JavaScript)", () => {
  it("sign-up names each bad field and creates nothing", async () => {
    const answer = await submit("/signup", { name: "", companyName: "Acme", email: "not-an-email", password: "short", role: "ADVERTISER" });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("Enter your name");
    expect(answer.text).toContain("Enter a valid email address");
    expect(answer.text).toContain("Use at least 10 characters");
    expect(await prisma.user.count({ where: { email: "not-an-email" } })).toBe(0);
  });

  it("sign-up with a taken email is a conflict; a good sign-up signs in", async () => {
    const existing = await makeAdvertiser();
    const taken = await submit("/signup", { name: "B", companyName: "B Co", email: existing.email, password: "long-enough-1", role: "ADVERTISER" });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain("already exists");
    const fresh = await submit("/signup", {
      name: "Cy",
      companyName: "Cy Co",
      email: `cy-${Date.now()}@example.test`,
      password: "long-enough-1",
      role: "AFFILIATE",
    });
    expect(fresh.status).toBe(302);
    expect(fresh.location).toBe("/affiliate");
  });

  it("a wrong password is refused with 401", async () => {
    const user = await makeAdvertiser();
    const answer = await submit("/login", { email: user.email, password: "wrong-password" });
    expect(answer.status).toBe(401);
    expect(answer.text).toContain("Email or password is wrong");
  });

  it("an affiliate creates an offer through the form; a bad one names its fields", async () => {
    const affiliate = await makeAffiliate();
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const bad = await submit("/affiliate/offers/new", { title: "", vertical: "insurance", pricingModel: "CPL", price: "abc" }, cookie);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Give the offer a title");
    expect(bad.text).toContain("Enter a price such as 25 or 25.50");
    expect(bad.text).toContain("Choose at least one lead field");

    const good = await submit(
      "/affiliate/offers/new",
      {
        title: "Auto quotes TX",
        vertical: "auto",
        pricingModel: "CPL",
        price: "18.50",
        exclusivity: "EXCLUSIVE",
        returnWindowDays: "5",
        field_email: "required",
        field_phone: "optional",
      },
      cookie,
    );
    expect(good.status).toBe(302);
    const offer = await prisma.offer.findFirstOrThrow({ where: { affiliateId: affiliate.actor.companyId } });
    expect(offer).toMatchObject({ title: "Auto quotes TX", priceCents: 1850, pricingModel: "CPL", returnWindowDays: 5 });
    expect(good.location).toBe(`/affiliate/offers/${offer.id}`);
  });

  it("an offer whose reject score is above its accept score is refused, with the error under the reject score", async () => {
    const affiliate = await makeAffiliate();
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const offer = { title: "Solar quotes", vertical: "solar", pricingModel: "CPL", price: "30", field_email: "required", "qualityRules.shown": "1" };
    const inverted = await submit("/affiliate/offers/new", { ...offer, "qualityRules.acceptScore": "40", "qualityRules.rejectScore": "60" }, cookie);
    expect(inverted.status).toBe(400);
    expect(inverted.text).toContain(
      '<p class="field-error" id="f-qualityRules.rejectScore-error">Must be at most the accept score (leads scoring in between are held for review)</p>',
    );
    expect(await prisma.offer.count({ where: { affiliateId: affiliate.actor.companyId } })).toBe(0);

    const equal = await submit("/affiliate/offers/new", { ...offer, "qualityRules.acceptScore": "60", "qualityRules.rejectScore": "60" }, cookie);
    expect(equal.status).toBe(302);
  });

  it("an order below the offer's price is refused naming the price", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { priceCents: 2500 });
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const low = await submit(`/advertiser/marketplace/${offer.id}`, { offerId: offer.id, price: "20" }, cookie);
    expect(low.status).toBe(422);
    expect(low.text).toContain("bid at least that");
    expect(await prisma.order.count({ where: { advertiserId: advertiser.actor.companyId } })).toBe(0);
    const ok = await submit(`/advertiser/marketplace/${offer.id}`, { offerId: offer.id, price: "26", dailyCap: "10", states: "ca, tx" }, cookie);
    expect(ok.status).toBe(302);
    const order = await prisma.order.findFirstOrThrow({ where: { advertiserId: advertiser.actor.companyId } });
    expect(order).toMatchObject({ priceCents: 2600, dailyCap: 10, filters: { states: ["CA", "TX"], postalCodePrefixes: [] } });
  });

  it("an order on a CPA offer is a conflict and the offer page shows why instead of the form", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { pricingModel: "CPA", priceCents: 4000 });
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const page = await fetch(new URL(`/advertiser/marketplace/${offer.id}`, stack().appUrl), { headers: { cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(visibleText(html)).toContain("CPA and CPS orders open when conversion billing launches");
    expect(html).not.toContain(`name="price"`);
    const answer = await submit(`/advertiser/marketplace/${offer.id}`, { offerId: offer.id, price: "45" }, cookie);
    expect(answer.status).toBe(409);
    expect(visibleText(answer.text)).toContain("CPA and CPS orders open when conversion billing launches");
    expect(await prisma.order.count({ where: { advertiserId: advertiser.actor.companyId } })).toBe(0);
  });

  it("an order on a paused offer is a conflict, not a missing page", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    await prisma.offer.update({ where: { id: offer.id }, data: { status: "PAUSED" } });
    const answer = await submit(`/advertiser/marketplace/${offer.id}`, { offerId: offer.id, price: "30" }, cookie);
    expect(answer.status).toBe(409);
    // Shown on the page, not only in the hydration data (the offer page itself is gone for a paused offer).
    expect(visibleText(answer.text)).toContain("This offer is paused and takes no new orders");
    expect(await prisma.order.count({ where: { advertiserId: advertiser.actor.companyId } })).toBe(0);
    const missing = await submit("/advertiser/marketplace/no-such-offer", { offerId: "no-such-offer", price: "30" }, cookie);
    expect(missing.status).toBe(404);
  });

  it("a closed order cannot be reopened", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const advertiser = await makeAdvertiser();
    const order = await makeOrder(advertiser.actor, offer.id);
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const paused = await submit("/advertiser/orders", { orderId: order.id, status: "PAUSED" }, cookie);
    expect(paused.status).toBe(200);
    const closed = await submit("/advertiser/orders", { orderId: order.id, status: "CLOSED" }, cookie);
    expect(closed.status).toBe(200);
    for (const status of ["OPEN", "PAUSED"]) {
      const reopen = await submit("/advertiser/orders", { orderId: order.id, status }, cookie);
      expect(reopen.status).toBe(409);
      expect(visibleText(reopen.text)).toContain("This order is closed and cannot be changed");
    }
    expect(await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: "CLOSED" });
  });

  it("an order price above 1,000,000 is refused naming the price", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    for (const price of ["2000000", "999999999.99"]) {
      const answer = await submit(`/advertiser/marketplace/${offer.id}`, { offerId: offer.id, price }, cookie);
      expect(answer.status).toBe(400);
      expect(visibleText(answer.text)).toContain("A price per lead is at most 1,000,000.00");
    }
    expect(await prisma.order.count({ where: { advertiserId: advertiser.actor.companyId } })).toBe(0);
  });

  it("a top-up outside the allowed range is refused before Stripe is called", async () => {
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const answer = await submit("/advertiser/billing", { amount: "5" }, cookie);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("Enter an amount between 10 and 100,000");
    expect(await prisma.topUp.count({ where: { advertiserId: advertiser.actor.companyId } })).toBe(0);
  });

  it("an API key is shown once and stored only as a hash", async () => {
    const affiliate = await makeAffiliate();
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const created = await submit("/affiliate/api-keys", { intent: "create", label: "Tracker" }, cookie);
    const key = /lx_[a-z0-9]{10}_[A-Za-z0-9_-]{32,}/.exec(created.text)?.[0];
    expect(key).toBeDefined();
    const row = await prisma.apiKey.findFirstOrThrow({ where: { companyId: affiliate.actor.companyId, label: "Tracker" } });
    expect(row.hash).not.toContain(key!.split("_").slice(2).join("_"));
    const listing = await fetch(new URL("/affiliate/api-keys", stack().appUrl), { headers: { cookie } });
    expect(await listing.text()).not.toContain(key);
  });
});
