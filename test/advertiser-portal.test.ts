import { describe, expect, it } from "vitest";
import type { LeadStatus, Temperature } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate, uniqueSuffix, type MadeAccount } from "./factories/accounts";
import { affiliateLeadId } from "./factories/leads";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { getPage, signIn, submitAndOpen as followForm, submitForm, useTestStack } from "./support/app";

// The advertiser's portal without JavaScript: editing and closing orders, wallet warnings, the
// marketplace's search and statistics, the leads list and its CSV, and marking leads contacted.

const stack = useTestStack({ workers: false });
const url = (path: string) => new URL(path, stack().appUrl).toString();

async function signedInBuyer() {
  const buyer = await makeAdvertiser();
  return { buyer, cookie: await signIn(stack().appUrl, buyer.email, buyer.password) };
}

/** A lead row as the pipeline leaves it, with only what these pages read. */
async function leadRow(
  offer: { id: string; affiliateId: string },
  opts: { status?: LeadStatus; temperature?: Temperature; score?: number; name?: string } = {},
) {
  const [first, last] = (opts.name ?? "Ada Lovelace").split(" ");
  const email = `${first.toLowerCase()}-${uniqueSuffix()}@example.test`;
  return prisma.lead.create({
    data: {
      offerId: offer.id,
      affiliateId: offer.affiliateId,
      externalId: affiliateLeadId(),
      status: opts.status ?? "SOLD",
      rawFields: {},
      fields: { first_name: first, last_name: last, email, phone: "+14155550100", state: "CA" },
      email,
      phone: "+14155550100",
      state: "CA",
      subIds: {},
      qualityScore: opts.score ?? 70,
      temperature: opts.temperature ?? "WARM",
    },
  });
}

/** A lead the buyer bought on its order at `priceCents`. */
async function boughtLead(
  buyer: MadeAccount,
  order: { id: string },
  offer: { id: string; affiliateId: string },
  opts: { priceCents: number; temperature?: Temperature; score?: number; name?: string },
) {
  const lead = await leadRow(offer, opts);
  const sale = await prisma.leadSale.create({
    data: { leadId: lead.id, orderId: order.id, advertiserId: buyer.actor.companyId, priceCents: opts.priceCents, feeCents: 0, currency: "usd" },
  });
  return { lead, sale };
}

async function buyerWithOrder() {
  const affiliate = await makeAffiliate();
  const offer = await makeOffer(affiliate.actor, { priceCents: 2500 });
  const { buyer, cookie } = await signedInBuyer();
  const order = await makeOrder(buyer.actor, offer.id, { priceCents: 3000 });
  return { affiliate, offer, buyer, cookie, order };
}

/** The page text with no space before punctuation (tags become spaces in visibleText). */
const squash = (text: string) => text.replace(/\s+([.,:?;)])/g, "$1");

/** Submits a form and opens the page it redirects to with the one-time message it set: that page's text. */
async function submitAndFollow(path: string, fields: Record<string, string> | URLSearchParams, cookie: string): Promise<string> {
  return squash((await followForm(stack().appUrl, path, fields, cookie)).text);
}

const editForm = (offerId: string, fields: Record<string, string>) => ({ intent: "save", offerId, price: "30", ...fields });

describe("editing an order", () => {
  it("saves a new price, caps and filters, writes the change to the audit log with before and after, and shows it in the order's history", async () => {
    const { offer, buyer, cookie, order } = await buyerWithOrder();
    const path = `/advertiser/orders/${order.id}`;
    const form = await getPage(stack().appUrl, path, cookie);
    expect(form.status).toBe(200);
    expect(form.text).toContain("Edit the order");

    const saved = await submitAndFollow(path, editForm(offer.id, { price: "35.50", dailyCap: "20", states: "ca, tx" }), cookie);
    expect(saved).toContain("Order saved.");

    const after = await prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(after).toMatchObject({ priceCents: 3550, dailyCap: 20, filters: { states: ["CA", "TX"] } });
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { targetType: "Order", targetId: order.id, action: "order.updated" } });
    expect(audit.actorId).toBe(buyer.actor.userId);
    expect(audit.data).toMatchObject({
      before: { priceCents: 3000, dailyCap: null, filters: { states: [] } },
      after: { priceCents: 3550, dailyCap: 20, filters: { states: ["CA", "TX"] } },
    });
    // Only what changed is recorded.
    expect(Object.keys((audit.data as { after: object }).after).sort()).toEqual(["dailyCap", "filters", "priceCents"]);

    expect(saved).toContain("Price per lead: $30.00 → $35.50");
    expect(saved).toContain("Leads per day: none → 20");
    expect(saved).toContain("Filters: none → states CA, TX");

    // Emptying a cap clears it (and is audited too).
    await submitForm(stack().appUrl, path, editForm(offer.id, { price: "35.50", states: "CA, TX" }), cookie);
    expect((await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).dailyCap).toBeNull();
    expect(await prisma.auditLog.count({ where: { targetId: order.id, action: "order.updated" } })).toBe(2);
  });

  it("refuses what creation refuses, naming the field, and changes nothing", async () => {
    const { offer, cookie, order } = await buyerWithOrder();
    const path = `/advertiser/orders/${order.id}`;
    const below = await submitForm(stack().appUrl, path, editForm(offer.id, { price: "10" }), cookie);
    expect(below.status).toBe(422);
    expect(below.text).toContain("The offer's price is $25.00; bid at least that");

    const badCap = await submitForm(stack().appUrl, path, editForm(offer.id, { dailyCap: "-3", scheduleFrom: "25:00", scheduleDays: "1" }), cookie);
    expect(badCap.status).toBe(400);
    expect(badCap.text).toContain("A daily cap is at least 1 lead");
    expect(badCap.text).toContain("Use a 24-hour time such as 09:00");

    expect(await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ priceCents: 3000, dailyCap: null });
    expect(await prisma.auditLog.count({ where: { targetId: order.id } })).toBe(0);
  });

  it("answers 404 for another advertiser's order, to read it or to change it", async () => {
    const { offer, order } = await buyerWithOrder();
    const other = await signedInBuyer();
    const path = `/advertiser/orders/${order.id}`;
    expect((await getPage(stack().appUrl, path, other.cookie)).status).toBe(404);
    expect((await submitForm(stack().appUrl, path, editForm(offer.id, { price: "99" }), other.cookie)).status).toBe(404);
    expect((await submitForm(stack().appUrl, path, { intent: "status", status: "CLOSED", confirm: "yes" }, other.cookie)).status).toBe(404);
    expect(await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ priceCents: 3000, status: "OPEN" });
  });
});

describe("closing an order", () => {
  it("asks first (This cannot be undone), closes only with confirm=yes, and a closed order cannot be edited", async () => {
    const { offer, cookie, order } = await buyerWithOrder();
    const path = `/advertiser/orders/${order.id}`;

    const unconfirmed = await submitForm(stack().appUrl, path, { intent: "status", status: "CLOSED" }, cookie);
    expect(unconfirmed.status).toBe(302);
    expect(unconfirmed.location).toBe(`${path}?confirm=close#close`);
    // From the list too.
    const fromList = await submitForm(stack().appUrl, "/advertiser/orders", { orderId: order.id, status: "CLOSED" }, cookie);
    expect(fromList.location).toBe(`${path}?confirm=close`);
    expect((await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("OPEN");

    const ask = await getPage(stack().appUrl, `${path}?confirm=close`, cookie);
    expect(squash(ask.text)).toContain("This cannot be undone. Close the order on Home insurance quotes?");

    const page = await submitAndFollow(path, { intent: "status", status: "CLOSED", confirm: "yes" }, cookie);
    expect((await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("CLOSED");
    expect(page).toContain("Order closed.");
    expect(page).toContain("Closed");
    expect(page).not.toContain("Edit the order");
    expect(await prisma.auditLog.count({ where: { targetId: order.id, action: "order.closed" } })).toBe(1);

    const edit = await submitForm(stack().appUrl, path, editForm(offer.id, { price: "40" }), cookie);
    expect(edit.status).toBe(409);
    expect(edit.text).toContain("This order is closed and cannot be changed");
  });
});

describe("wallet warnings", () => {
  it("an advertiser with $0 is warned when opening an order and sees its open orders as not buying, until its wallet can pay", async () => {
    const { offer, buyer, cookie, order } = await buyerWithOrder();
    const opening = await getPage(stack().appUrl, `/advertiser/marketplace/${offer.id}`, cookie);
    expect(squash(opening.text)).toContain(
      "Wallet $0.00 cannot pay a lead at $25.00: you can open this order, but it buys no leads until you top up in Billing",
    );

    const list = await getPage(stack().appUrl, "/advertiser/orders", cookie);
    expect(list.text).toContain("Open — not buying: wallet cannot pay");
    expect(squash(list.text)).toContain("Wallet $0.00 cannot pay a lead at $30.00");
    const page = await getPage(stack().appUrl, `/advertiser/orders/${order.id}`, cookie);
    expect(page.text).toContain("Open — not buying: wallet cannot pay");

    // A credit limit that covers the next lead ends the warning.
    await prisma.company.update({ where: { id: buyer.actor.companyId }, data: { creditLimitCents: 3000 } });
    const covered = await getPage(stack().appUrl, "/advertiser/orders", cookie);
    expect(covered.text).not.toContain("not buying");
    expect(covered.text).not.toContain("cannot pay");
  });
});

describe("the marketplace", () => {
  it("searches by title, filters by model and state, sorts by price and volume, and shows each offer's last 30 days", async () => {
    const tag = `Zeta${uniqueSuffix()}`;
    const affiliate = await makeAffiliate();
    const cheap = await makeOffer(affiliate.actor, { title: `${tag} solar`, priceCents: 1500, states: ["TX"] });
    const dear = await makeOffer(affiliate.actor, { title: `${tag} roofing`, priceCents: 4000, states: [] });
    await makeOffer(affiliate.actor, { title: `Other ${uniqueSuffix()}`, priceCents: 9000 });
    // cheap: 4 leads (3 passed the checks, 2 sold of which 1 returned); dear: 1 rejected lead.
    for (const status of ["SOLD", "RETURNED", "UNSOLD", "REJECTED"] as const) await leadRow(cheap, { status });
    await leadRow(dear, { status: "REJECTED" });
    const old = await leadRow(dear, { status: "SOLD" });
    await prisma.lead.update({ where: { id: old.id }, data: { receivedAt: new Date(Date.now() - 40 * 24 * 3600 * 1000) } });

    const { cookie } = await signedInBuyer();
    const search = async (query: string) => {
      const response = await fetch(url(`/advertiser/marketplace?${query}`), { headers: { cookie } });
      expect(response.status).toBe(200);
      const html = await response.text();
      return [...html.matchAll(/data-offer-id="([^"]+)"/g)].map((m) => m[1]);
    };
    expect(await search(`q=${tag}&sort=price_desc`)).toEqual([dear.id, cheap.id]);
    expect(await search(`q=${tag.toLowerCase()}&sort=price_asc`)).toEqual([cheap.id, dear.id]);
    expect(await search(`q=${tag}&sort=volume`)).toEqual([cheap.id, dear.id]);
    expect(await search(`q=${tag}&sort=acceptance`)).toEqual([cheap.id, dear.id]);
    expect(await search(`q=${tag}&model=CPA`)).toEqual([]);
    // An offer without states covers every state.
    expect(await search(`q=${tag}&state=ny`)).toEqual([dear.id]);
    expect(await search(`q=${tag}&state=TX&sort=price_asc`)).toEqual([cheap.id, dear.id]);

    const page = await getPage(stack().appUrl, `/advertiser/marketplace?q=${tag}&sort=price_asc`, cookie);
    const cheapRow = page.text.slice(page.text.indexOf(`${tag} solar`), page.text.indexOf(`${tag} roofing`));
    // 4 leads, 75% accepted, 50% returned.
    expect(cheapRow).toMatch(/\b4 75% 50%/);
    const dearRow = page.text.slice(page.text.indexOf(`${tag} roofing`));
    // The 40-day-old lead is not counted: 1 lead, 0% accepted, no sales.
    expect(dearRow).toMatch(/\b1 0% —/);
  });
});

function parseCsv(text: string): Array<Record<string, string>> {
  const [header, ...lines] = text.trim().split("\r\n");
  const names = header.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((cell, i) => [names[i], cell])));
}

describe("the leads list and its CSV", () => {
  it("the CSV holds exactly the filtered table, in dollars", async () => {
    const { affiliate, offer, buyer, cookie, order } = await buyerWithOrder();
    void affiliate;
    const hot = await boughtLead(buyer, order, offer, { priceCents: 3050, temperature: "HOT", score: 90, name: "Grace Hopper" });
    const hot2 = await boughtLead(buyer, order, offer, { priceCents: 4000, temperature: "HOT", score: 85, name: "Alan Turing" });
    await boughtLead(buyer, order, offer, { priceCents: 2500, temperature: "COLD", score: 20, name: "Cold Caller" });
    await prisma.leadSale.update({ where: { id: hot2.sale.id }, data: { contactedAt: new Date() } });

    const query = "temperature=HOT&contacted=no";
    const table = await getPage(stack().appUrl, `/advertiser/leads?${query}`, cookie);
    expect(table.text).toContain("Grace Hopper");
    expect(table.text).not.toContain("Alan Turing");
    expect(table.text).not.toContain("Cold Caller");
    expect(table.text).toContain("$30.50");

    const response = await fetch(url(`/advertiser/leads.csv?${query}`), { headers: { cookie } });
    expect(response.status).toBe(200);
    const rows = parseCsv(await response.text());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ lead_id: hot.lead.id, price: "30.50", currency: "usd", temperature: "hot", first_name: "Grace" });
    expect(rows[0]).not.toHaveProperty("price_cents");

    // Search and sort are kept too: oldest first, every HOT lead.
    const all = parseCsv(await (await fetch(url("/advertiser/leads.csv?temperature=HOT&sort=oldest"), { headers: { cookie } })).text());
    expect(all.map((r) => r.lead_id)).toEqual([hot.lead.id, hot2.lead.id]);
    const searched = parseCsv(await (await fetch(url("/advertiser/leads.csv?q=turing"), { headers: { cookie } })).text());
    expect(searched.map((r) => r.lead_id)).toEqual([hot2.lead.id]);
  });
});

describe("marking a lead contacted", () => {
  it("in the portal: on the lead page and in bulk from the list; the first time stays", async () => {
    const { offer, buyer, cookie, order } = await buyerWithOrder();
    const one = await boughtLead(buyer, order, offer, { priceCents: 3000 });
    const two = await boughtLead(buyer, order, offer, { priceCents: 3000 });
    const leadPath = `/advertiser/leads/${one.lead.id}`;
    expect((await getPage(stack().appUrl, leadPath, cookie)).text).toContain("Mark contacted");

    const page = await submitAndFollow(leadPath, { intent: "contacted" }, cookie);
    expect(page).toContain("Marked contacted.");
    expect(page).toContain(`marked by ${buyer.email}`);
    const first = await prisma.leadSale.findUniqueOrThrow({ where: { id: one.sale.id } });
    expect(first.contactedAt).not.toBeNull();
    expect(first.contactedById).toBe(buyer.actor.userId);

    const list = await submitAndFollow(
      "/advertiser/leads",
      new URLSearchParams([
        ["intent", "contacted"],
        ["lead_id", one.lead.id],
        ["lead_id", two.lead.id],
      ]),
      cookie,
    );
    expect(list).toContain("1 lead marked contacted (1 already marked earlier");
    expect((await prisma.leadSale.findUniqueOrThrow({ where: { id: one.sale.id } })).contactedAt).toEqual(first.contactedAt);
    expect((await prisma.leadSale.findUniqueOrThrow({ where: { id: two.sale.id } })).contactedAt).not.toBeNull();

    const none = await submitForm(stack().appUrl, "/advertiser/leads", { intent: "contacted" }, cookie);
    expect(none.status).toBe(400);
    expect(none.text).toContain("Select the leads you contacted");
  });

  it("by API: idempotent, 404 for a lead the advertiser did not buy, 403 for an affiliate key", async () => {
    const { affiliate, offer, buyer, order } = await buyerWithOrder();
    const { lead, sale } = await boughtLead(buyer, order, offer, { priceCents: 3000 });
    const mark = (leadId: string, key: string) =>
      fetch(url(`/api/v1/advertiser/leads/${encodeURIComponent(leadId)}/contacted`), { method: "POST", headers: { authorization: `Bearer ${key}` } });

    const first = await mark(lead.id, buyer.apiKey);
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body).toMatchObject({ lead_id: lead.id, already_marked: false });
    const again = await mark(lead.id, buyer.apiKey);
    expect(await again.json()).toEqual({ ...body, already_marked: true });
    const stored = await prisma.leadSale.findUniqueOrThrow({ where: { id: sale.id } });
    expect(stored.contactedAt?.toISOString()).toBe(body.contacted_at);
    expect(stored.contactedById).toBeNull();

    const other = await makeAdvertiser();
    expect((await mark(lead.id, other.apiKey)).status).toBe(404);
    expect((await mark("no-such-lead", buyer.apiKey)).status).toBe(404);
    expect((await mark(lead.id, affiliate.apiKey)).status).toBe(403);
    expect((await fetch(url(`/api/v1/advertiser/leads/${lead.id}/contacted`), { method: "POST" })).status).toBe(401);
  });
});
