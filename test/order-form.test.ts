import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { makeOffer } from "./factories/marketplace";
import { signIn, useTestStack } from "./support/app";

const stack = useTestStack({ workers: false });

async function submit(path: string, fields: Array<[string, string]>, cookie: string) {
  const response = await fetch(new URL(path, stack().appUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams(fields),
  });
  const html = await response.text();
  return { status: response.status, location: response.headers.get("location"), text: visibleText(html), html };
}

async function page(path: string, cookie: string) {
  const response = await fetch(new URL(path, stack().appUrl), { headers: { cookie } });
  return { status: response.status, text: visibleText(await response.text()) };
}

/** The page as a person reads it: markup without scripts (whose hydration data repeats every answer). */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

async function signedInBuyerOnOffer() {
  const affiliate = await makeAffiliate();
  const offer = await makeOffer(affiliate.actor, { priceCents: 2500 });
  const buyer = await makeAdvertiser();
  const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
  const path = `/advertiser/marketplace/${offer.id}`;
  const minimal: Array<[string, string]> = [
    ["offerId", offer.id],
    ["price", "30"],
  ];
  const ordersOfBuyer = () => prisma.order.count({ where: { advertiserId: buyer.actor.companyId } });
  return { offer, buyer, cookie, path, minimal, ordersOfBuyer };
}

describe("the order form (no JavaScript)", () => {
  it("an advertiser opens an order with caps, schedule, filters, temperature pricing and webhook delivery, and sees them on the orders page", async () => {
    const { offer, buyer, cookie, path, minimal } = await signedInBuyerOnOffer();
    const form = await page(path, cookie);
    expect(form.text).toContain("Leads per day");
    expect(form.text).toContain("Rules on lead fields");

    const answer = await submit(
      path,
      [
        ...minimal,
        ["priceHot", "45"],
        ["priceCold", "25.50"],
        ["bonusMinScore", "80"],
        ["bonusExtra", "5"],
        ["hourlyCap", "5"],
        ["dailyCap", "20"],
        ["monthlyCap", "300"],
        ["hourlySpendCap", "150"],
        ["dailySpendCap", "100"],
        ["monthlySpendCap", "2000"],
        ["timezone", "America/New_York"],
        ...["1", "2", "3", "4", "5"].map((d): [string, string] => ["scheduleDays", d]),
        ["scheduleFrom", "09:00"],
        ["scheduleTo", "17:00"],
        ["states", "ca, ny"],
        ["minScore", "60"],
        ["temperatures", "WARM"],
        ["temperatures", "HOT"],
        ["rule0Field", "credit_rating"],
        ["rule0Op", "in"],
        ["rule0Value", "good, excellent"],
        ["rule1Field", "income"],
        ["rule1Op", "gte"],
        ["rule1Value", "50000"],
        ["rule2Field", ""],
        ["rule2Op", "eq"],
        ["rule2Value", ""],
        ["priority", "7"],
        ["weight", "3"],
        ["delivery", "WEBHOOK"],
        ["webhookUrl", "https://crm.example.com/leads"],
        ["pingUrl", "https://buyer.example.com/ping"],
        ["postUrl", "https://buyer.example.com/post"],
      ],
      cookie,
    );
    expect(answer.status).toBe(302);
    // The new order's own page, which says it was opened.
    expect(answer.location).toMatch(/^\/advertiser\/orders\/[\w-]+$/);

    const order = await prisma.order.findFirstOrThrow({ where: { advertiserId: buyer.actor.companyId, offerId: offer.id } });
    expect(order).toMatchObject({
      priceCents: 3000,
      hourlyCap: 5,
      dailyCap: 20,
      monthlyCap: 300,
      hourlySpendCapCents: 15_000,
      dailySpendCapCents: 10_000,
      monthlySpendCapCents: 200_000,
      timezone: "America/New_York",
      schedule: { days: [1, 2, 3, 4, 5], from: "09:00", to: "17:00" },
      filters: {
        states: ["CA", "NY"],
        postalCodePrefixes: [],
        minScore: 60,
        temperatures: ["WARM", "HOT"],
        rules: [
          { field: "credit_rating", op: "in", values: ["good", "excellent"] },
          { field: "income", op: "gte", value: "50000" },
        ],
      },
      pricing: { temperature: { HOT: 4500, COLD: 2550 }, scoreBonus: { minScore: 80, extraCents: 500 } },
      priority: 7,
      weight: 3,
      delivery: "WEBHOOK",
      webhookUrl: "https://crm.example.com/leads",
      pingUrl: "https://buyer.example.com/ping",
      postUrl: "https://buyer.example.com/post",
    });

    const orders = await page("/advertiser/orders", cookie);
    for (const shown of [
      "hot $45.00, cold $25.50; +$5.00 from score 80",
      "5 leads per hour",
      "$100.00 per day",
      "Counted in America/New_York",
      "Mon-Fri 09:00-17:00 America/New_York",
      "States: CA, NY",
      "Score at least 60",
      "Temperature: warm, hot",
      "credit_rating is one of good, excellent",
      "income is at least 50000",
      "Webhook to my CRM (https://crm.example.com/leads); external ping-post buyer",
      "Priority 7, weight 3",
    ]) {
      expect(orders.text).toContain(shown);
    }
  });

  it("a minimal order takes the defaults: portal delivery, UTC, any time, no caps", async () => {
    const { buyer, cookie, path, minimal } = await signedInBuyerOnOffer();
    expect((await submit(path, minimal, cookie)).status).toBe(302);
    const order = await prisma.order.findFirstOrThrow({ where: { advertiserId: buyer.actor.companyId } });
    expect(order).toMatchObject({
      delivery: "PORTAL",
      timezone: "UTC",
      schedule: null,
      dailyCap: null,
      dailySpendCapCents: null,
      priority: 0,
      weight: 1,
      pricing: {},
    });
  });

  it("a time zone Intl does not know is refused naming the time zone", async () => {
    const { cookie, path, minimal, ordersOfBuyer } = await signedInBuyerOnOffer();
    const answer = await submit(path, [...minimal, ["timezone", "Mars/Olympus_Mons"]], cookie);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("Time zone");
    expect(answer.text).toContain("Choose a time zone such as America/New_York");
    expect(await ordersOfBuyer()).toBe(0);
  });

  it("webhook delivery needs an http(s) URL, and the form says so next to the webhook URL", async () => {
    const { cookie, path, minimal, ordersOfBuyer } = await signedInBuyerOnOffer();
    const missing = await submit(path, [...minimal, ["delivery", "WEBHOOK"], ["webhookUrl", ""]], cookie);
    expect(missing.status).toBe(400);
    expect(missing.text).toContain("Webhook delivery needs your CRM's http(s) URL");
    for (const url of ["ftp://crm.example.com/leads", "javascript:alert(1)", "crm.example.com"]) {
      const bad = await submit(path, [...minimal, ["delivery", "WEBHOOK"], ["webhookUrl", url]], cookie);
      expect(bad.status, url).toBe(400);
      expect(bad.text).toContain("Enter your CRM's http(s) URL, e.g. https://crm.example.com/leads");
    }
    const halfBuyer = await submit(path, [...minimal, ["pingUrl", "https://buyer.example.com/ping"]], cookie);
    expect(halfBuyer.status).toBe(400);
    expect(halfBuyer.text).toContain("An external buyer needs a post URL too");
    expect(await ordersOfBuyer()).toBe(0);
  });

  it("a bad filter, schedule or cap is refused naming the field, and what was typed stays in the form", async () => {
    const { cookie, path, minimal, ordersOfBuyer } = await signedInBuyerOnOffer();
    const answer = await submit(
      path,
      [
        ...minimal,
        ["rule0Field", "income"],
        ["rule0Op", "gte"],
        ["rule0Value", "lots"],
        ["rule1Field", "Credit Rating!"],
        ["rule1Op", "eq"],
        ["rule1Value", "good"],
        ["minScore", "150"],
        ["scheduleDays", "1"],
        ["scheduleFrom", "25:00"],
        ["scheduleTo", "17:00"],
        ["dailySpendCap", "-5"],
        ["weight", "0"],
      ],
      cookie,
    );
    expect(answer.status).toBe(400);
    for (const message of [
      "Compare with a number, e.g. 700",
      "Use the lead field's name, e.g. credit_rating",
      "A minimum score is a whole number from 0 to 100",
      "Use a 24-hour time such as 09:00",
      "Enter a daily spend cap such as 100 or 100.50",
      "Weight is a whole number from 1 to 1000",
    ]) {
      expect(answer.text).toContain(message);
    }
    expect(answer.text).not.toContain("Enter the value to compare with");
    expect(answer.html).toMatch(/name="rule0Value"[^>]*value="lots"/);
    expect(await ordersOfBuyer()).toBe(0);
  });

  it("a price for a temperature below the offer's price is refused naming that price", async () => {
    const { cookie, path, minimal, ordersOfBuyer } = await signedInBuyerOnOffer();
    const answer = await submit(path, [...minimal, ["priceCold", "20"]], cookie);
    expect(answer.status).toBe(422);
    expect(answer.text).toContain("The offer's price is $25.00; bid at least that");
    expect(await ordersOfBuyer()).toBe(0);
  });
});
