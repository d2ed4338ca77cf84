import { describe, expect, it } from "vitest";
import { personHash } from "~/modules/quality/person-hash.server";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { CONTACT_FIELDS, makeOffer } from "./factories/marketplace";
import { signIn, useTestStack } from "./support/app";

// The portal lists that grow without end (issue 14): the advertiser's orders and CRM deliveries
// and the affiliate's offers page 50 rows at a time, newest first, with their filters in the URL.

const stack = useTestStack();
const PAGE = 50;

const html = async (path: string, cookie: string) => {
  const response = await fetch(new URL(path, stack().appUrl), { headers: { cookie } });
  expect(response.status).toBe(200);
  return response.text();
};

/** The ids of `ids` a page shows, in the page's order, found by the markup `mark` gives each row. */
const rowsShown = (page: string, ids: readonly string[], mark: (id: string) => string) =>
  ids.filter((id) => page.includes(mark(id))).sort((a, b) => page.indexOf(mark(a)) - page.indexOf(mark(b)));

/** The "Older" link's path under a list (null on the last page). */
const nextPageLink = (page: string) => {
  const link = page.match(/<a\b[^>]*>/g)?.find((a) => a.includes('rel="next"'));
  return link ? /href="([^"]+)"/.exec(link)![1].replace(/&amp;/g, "&") : null;
};

/** Follows the "Older" links from `path` to the end, and returns each page's rows. */
async function everyPage(path: string, cookie: string, ids: readonly string[], mark: (id: string) => string) {
  const pages: string[][] = [];
  const links: string[] = [];
  let next: string | null = path;
  while (next) {
    const page = await html(next, cookie);
    pages.push(rowsShown(page, ids, mark));
    next = nextPageLink(page);
    if (next) links.push(next);
    expect(pages.length).toBeLessThan(10);
  }
  return { pages, links };
}

/** `count` times, two rows a second apart (so rows share a time and the id breaks the tie), newest last. */
const twoASecond = (count: number) => {
  const start = Date.now() - 3_600_000;
  return Array.from({ length: count }, (_, i) => new Date(start + Math.floor(i / 2) * 1000));
};

const newestFirst = <Row extends { id: string; createdAt: Date }>(rows: Row[]) =>
  [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((r) => r.id);

describe("the advertiser's orders", () => {
  it("pages 50 orders at a time newest first, each once, and searches by offer title and filters by status across pages", { timeout: 90_000 }, async () => {
    const affiliate = await makeAffiliate();
    const solar = await makeOffer(affiliate.actor, { title: "Solar panel quotes" });
    const auto = await makeOffer(affiliate.actor, { title: "Auto insurance" });
    const buyer = await makeAdvertiser();
    const times = twoASecond(60);
    await prisma.order.createMany({
      data: times.map((createdAt, i) => ({
        advertiserId: buyer.actor.companyId,
        offerId: i % 10 === 9 ? auto.id : solar.id,
        priceCents: 3000,
        filters: {},
        status: i % 6 === 0 ? ("PAUSED" as const) : ("OPEN" as const),
        createdAt,
      })),
    });
    const someoneElse = await makeAdvertiser();
    await prisma.order.create({ data: { advertiserId: someoneElse.actor.companyId, offerId: solar.id, priceCents: 3000, filters: {} } });
    const orders = await prisma.order.findMany({ where: { offerId: { in: [solar.id, auto.id] } } });
    const mine = orders.filter((o) => o.advertiserId === buyer.actor.companyId);
    const ids = orders.map((o) => o.id);
    const mark = (id: string) => `href="/advertiser/orders/${id}"`;
    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);

    const all = await everyPage("/advertiser/orders", cookie, ids, mark);
    expect(all.pages.map((p) => p.length)).toEqual([PAGE, 10]);
    expect(all.pages.flat()).toEqual(newestFirst(mine));

    const solarOrders = newestFirst(mine.filter((o) => o.offerId === solar.id));
    const searched = await everyPage("/advertiser/orders?q=SOLAR", cookie, ids, mark);
    expect(searched.pages.map((p) => p.length)).toEqual([PAGE, solarOrders.length - PAGE]);
    expect(searched.pages.flat()).toEqual(solarOrders);
    expect(searched.links.every((link) => new URL(link, stack().appUrl).searchParams.get("q") === "SOLAR")).toBe(true);

    const paused = await everyPage("/advertiser/orders?status=PAUSED", cookie, ids, mark);
    expect(paused.pages).toEqual([newestFirst(mine.filter((o) => o.status === "PAUSED"))]);
    expect(paused.pages[0]).toHaveLength(10);
    expect(rowsShown(await html("/advertiser/orders?q=%20%20&status=BOGUS", cookie), ids, mark)).toEqual(all.pages[0]);
    const forged = Buffer.from(`${new Date().toISOString()}|a\u0000b`).toString("base64url");
    expect(rowsShown(await html(`/advertiser/orders?cursor=${forged}`, cookie), ids, mark)).toEqual(all.pages[0]);
  });
});

describe("the affiliate's offers", () => {
  it("pages 50 offers at a time newest first, each once, and searches by title and filters by status across pages", { timeout: 90_000 }, async () => {
    const affiliate = await makeAffiliate();
    const { affiliateId } = await makeOffer(affiliate.actor, { title: "First offer" });
    const times = twoASecond(59);
    await prisma.offer.createMany({
      data: times.map((createdAt, i) => ({
        affiliateId,
        vertical: "finance",
        states: ["CA"],
        fields: CONTACT_FIELDS,
        pricingModel: "CPL" as const,
        priceCents: 2500,
        title: i % 8 === 7 ? `Debt relief ${i}` : `Mortgage refinance ${i}`,
        status: i % 5 === 0 ? ("PAUSED" as const) : ("ACTIVE" as const),
        createdAt,
      })),
    });
    const other = await makeAffiliate();
    await makeOffer(other.actor, { title: "Mortgage refinance elsewhere" });
    const offers = await prisma.offer.findMany({ where: { affiliateId: { in: [affiliateId, other.actor.companyId] } } });
    const mine = offers.filter((o) => o.affiliateId === affiliateId);
    const ids = offers.map((o) => o.id);
    const mark = (id: string) => `href="/affiliate/offers/${id}"`;
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);

    const all = await everyPage("/affiliate/offers", cookie, ids, mark);
    expect(all.pages.map((p) => p.length)).toEqual([PAGE, 10]);
    expect(all.pages.flat()).toEqual(newestFirst(mine));

    const mortgages = newestFirst(mine.filter((o) => o.title.startsWith("Mortgage")));
    const searched = await everyPage("/affiliate/offers?q=mortgage", cookie, ids, mark);
    expect(searched.pages.map((p) => p.length)).toEqual([PAGE, mortgages.length - PAGE]);
    expect(searched.pages.flat()).toEqual(mortgages);
    expect(searched.links.every((link) => new URL(link, stack().appUrl).searchParams.get("q") === "mortgage")).toBe(true);

    const paused = await everyPage("/affiliate/offers?status=PAUSED", cookie, ids, mark);
    expect(paused.pages).toEqual([newestFirst(mine.filter((o) => o.status === "PAUSED"))]);
    expect(paused.pages[0]).toHaveLength(12);
    expect(await html("/affiliate/offers?q=nothing-like-this", cookie)).toContain("No offers match these filters");
  });
});

describe("the advertiser's CRM deliveries", () => {
  it("pages 50 deliveries at a time newest first, each once, and filters by status across pages", { timeout: 90_000 }, async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const lead = await prisma.lead.create({
      data: {
        offerId: offer.id,
        affiliateId: affiliate.actor.companyId,
        externalId: "paged-deliveries",
        rawFields: {},
        subIds: {},
        emailHash: personHash("paged@example.com"),
      },
    });
    const buyer = await makeAdvertiser();
    const times = twoASecond(112);
    await prisma.outboundDelivery.createMany({
      data: times.map((createdAt, i) => ({
        kind: "CRM_WEBHOOK" as const,
        companyId: buyer.actor.companyId,
        leadId: lead.id,
        event: "sold",
        dedupeKey: `paged-${buyer.actor.companyId}-${i}`,
        method: "POST",
        url: "https://crm.example.com/leads",
        status: i % 2 === 0 ? ("FAILED" as const) : ("DELIVERED" as const),
        attempts: 1,
        createdAt,
      })),
    });
    const deliveries = await prisma.outboundDelivery.findMany({ where: { leadId: lead.id } });
    const ids = deliveries.map((d) => d.id);
    const mark = (id: string) => `data-delivery-id="${id}"`;
    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);

    const all = await everyPage("/advertiser/deliveries", cookie, ids, mark);
    expect(all.pages.map((p) => p.length)).toEqual([PAGE, PAGE, 12]);
    expect(all.pages.flat()).toEqual(newestFirst(deliveries));

    const failed = await everyPage("/advertiser/deliveries?status=FAILED", cookie, ids, mark);
    expect(failed.pages.map((p) => p.length)).toEqual([PAGE, 6]);
    expect(failed.pages.flat()).toEqual(newestFirst(deliveries.filter((d) => d.status === "FAILED")));
    expect(failed.links.every((link) => new URL(link, stack().appUrl).searchParams.get("status") === "FAILED")).toBe(true);

    const affiliateCookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    expect(rowsShown(await html("/affiliate/postbacks", affiliateCookie), ids, mark)).toEqual([]);
  });
});
