import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser } from "./factories/accounts";
import { signIn, useTestStack } from "./support/app";
import { makeMarket, postAndSettle } from "./support/selling";

const SETTLE_MS = 2000;
const stack = useTestStack({ env: { PULL_API_SETTLE_MS: String(SETTLE_MS) } });

async function pull(apiKey: string | null, query: Record<string, string> = {}) {
  const url = new URL("/api/v1/advertiser/leads", stack().appUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const response = await fetch(url, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
  return { status: response.status, body: (await response.json()) as any };
}

describe("pull API and CSV export", () => {
  it("pages through the advertiser's bought leads by sale time with since, limit and the next cursor", async () => {
    const { affiliate, offer, buyer } = await makeMarket(stack(), { priceCents: 3100 });
    const leads = [];
    for (let i = 0; i < 3; i++) leads.push(await postAndSettle(stack(), affiliate.apiKey, offer.id, { s1: `sub-${i}` }));
    expect(leads.map((l) => l.status)).toEqual(["SOLD", "SOLD", "SOLD"]);

    // A sale shows only once it has settled, so no page can pass a sale still being committed.
    const sold = await prisma.leadSale.findFirstOrThrow({ where: { leadId: leads[2].id } });
    const early = await pull(buyer.apiKey);
    if (Date.now() - sold.soldAt.getTime() < SETTLE_MS - 200) {
      expect(early.body.leads.map((l: { lead_id: string }) => l.lead_id)).not.toContain(leads[2].id);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, sold.soldAt.getTime() + SETTLE_MS - Date.now() + 50)));

    const first = await pull(buyer.apiKey, { limit: "2" });
    expect(first.status).toBe(200);
    expect(first.body.leads.map((l: { lead_id: string }) => l.lead_id)).toEqual([leads[0].id, leads[1].id]);
    expect(first.body.next).toEqual(expect.any(String));
    expect(first.body.leads[0]).toMatchObject({
      lead_id: leads[0].id,
      offer_id: offer.id,
      price_cents: 3100,
      currency: "usd",
      contact: { email: leads[0].email, phone: leads[0].phone, state: "CA", postal_code: "94107" },
      fields: { first_name: "Ada" },
    });
    expect(first.body.leads[0].sold_at).toEqual(expect.any(String));
    expect(["cold", "warm", "hot"]).toContain(first.body.leads[0].temperature);
    expect(JSON.stringify(first.body)).not.toContain("sub-0");
    expect(JSON.stringify(first.body)).not.toContain(leads[0].externalId);

    expect(first.body.has_more).toBe(true);
    const second = await pull(buyer.apiKey, { cursor: first.body.next, limit: "2" });
    expect(second.body.leads.map((l: { lead_id: string }) => l.lead_id)).toEqual([leads[2].id]);
    expect(second.body.has_more).toBe(false);

    // Resuming later from the last `next` gives exactly what was sold since: no gap, no repeat.
    const idle = await pull(buyer.apiKey, { cursor: second.body.next });
    expect(idle.body).toMatchObject({ leads: [], next: second.body.next, has_more: false });
    const later = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 50));
    const resumed = await pull(buyer.apiKey, { cursor: second.body.next });
    expect(resumed.body.leads.map((l: { lead_id: string }) => l.lead_id)).toEqual([later.id]);

    const since = await pull(buyer.apiKey, { since: first.body.leads[1].sold_at });
    expect(since.body.leads.map((l: { lead_id: string }) => l.lead_id)).toEqual([leads[1].id, leads[2].id, later.id]);
    const future = await pull(buyer.apiKey, { since: new Date(Date.now() + 60_000).toISOString() });
    expect(future.body).toEqual({ leads: [], next: null, next_url: null, has_more: false });
  });

  it("shows another advertiser nothing, refuses affiliate keys, and names a bad parameter", async () => {
    const { affiliate, offer } = await makeMarket(stack());
    await postAndSettle(stack(), affiliate.apiKey, offer.id);
    const other = await makeAdvertiser();
    expect((await pull(other.apiKey)).body).toEqual({ leads: [], next: null, next_url: null, has_more: false });
    expect((await pull(affiliate.apiKey)).status).toBe(403);
    expect((await pull(null)).status).toBe(401);

    const badSince = await pull(other.apiKey, { since: "yesterday", limit: "9000" });
    expect(badSince.status).toBe(422);
    expect(Object.keys(badSince.body.error.fields).sort()).toEqual(["limit", "since"]);
    const badCursor = await pull(other.apiKey, { cursor: "not-a-cursor" });
    expect(badCursor.status).toBe(422);
    expect(badCursor.body.error.fields.cursor).toContain("next");
  });

  it("exports the bought leads as CSV with the same columns, quoting commas and quotes and defusing formulas", async () => {
    const { affiliate, offer, buyer } = await makeMarket(stack(), { priceCents: 3000 });
    const plain = await postAndSettle(stack(), affiliate.apiKey, offer.id);
    const tricky = await postAndSettle(stack(), affiliate.apiKey, offer.id, { first_name: 'Ada "The Countess", Jr', last_name: "=1+2" });
    // Formulas behind a digit, which spreadsheets run all the same (OWASP's CSV injection list).
    const sneaky = await postAndSettle(stack(), affiliate.apiKey, offer.id, {
      first_name: "-1+1+cmd|' /C calc'!A0",
      last_name: '+1+HYPERLINK("http://evil.example","x")',
    });
    expect([plain.status, tricky.status, sneaky.status]).toEqual(["SOLD", "SOLD", "SOLD"]);

    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    // Oldest first, as posted (the page's default is newest first; the CSV follows the page's order).
    const response = await fetch(new URL("/advertiser/leads.csv?sort=oldest", stack().appUrl), { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="leadex-leads-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await response.text()).split("\r\n");
    expect(lines[0]).toBe(
      "lead_id,sale_id,order_id,offer_id,offer,vertical,price,currency,sold_at,received_at,delivered_at,contacted_at,score,temperature,email,phone,state,postal_code,first_name,last_name",
    );
    expect(lines).toHaveLength(5); // header, three leads, and the final line end
    expect(lines[4]).toBe("");
    const sale = await prisma.leadSale.findFirstOrThrow({ where: { leadId: tricky.id } });
    expect(lines[2].startsWith(`${tricky.id},${sale.id},`)).toBe(true);
    expect(lines[2]).toContain(`,${tricky.email},${tricky.phone},CA,94107,"Ada ""The Countess"", Jr",'=1+2`);
    expect(lines[1]).toContain(`,30.00,usd,`);
    expect(lines[3].startsWith(`${sneaky.id},`)).toBe(true);
    expect(lines[3]).toContain(`,${sneaky.phone},CA,94107,'-1+1+cmd|' /C calc'!A0,"'+1+HYPERLINK(""http://evil.example"",""x"")"`);

    const other = await makeAdvertiser();
    const otherCookie = await signIn(stack().appUrl, other.email, other.password);
    const empty = await (await fetch(new URL("/advertiser/leads.csv", stack().appUrl), { headers: { cookie: otherCookie } })).text();
    expect(empty.split("\r\n").filter(Boolean)).toHaveLength(1);

    const leadsPage = await (await fetch(new URL("/advertiser/leads", stack().appUrl), { headers: { cookie } })).text();
    expect(leadsPage).toContain('href="/advertiser/leads.csv');
  });
});
