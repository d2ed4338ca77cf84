import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { affiliateLeadId, leadFields, postLead } from "./factories/leads";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { signIn, useTestStack, visibleText } from "./support/app";
import { waitFor } from "./support/wait";

const stack = useTestStack();

/** A lead bought by `buyer`, another advertiser who bought nothing, and the selling affiliate. */
async function soldLead() {
  const affiliate = await makeAffiliate();
  const buyer = await makeAdvertiser();
  const stranger = await makeAdvertiser();
  const offer = await makeOffer(affiliate.actor);
  await makeOrder(buyer.actor, offer.id);
  await fundWallet(buyer.actor, 5_000, stack().emulator);
  const fields = leadFields();
  const posted = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...fields });
  const leadId: string = posted.body.lead_id;
  await waitFor("the lead to be sold", async () => (await prisma.lead.findUnique({ where: { id: leadId } }))?.status === "SOLD");
  return { affiliate, buyer, stranger, leadId, fields };
}

async function page(path: string, cookie?: string) {
  const response = await fetch(new URL(path, stack().appUrl), { redirect: "manual", headers: cookie ? { cookie } : {} });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

describe("who sees what", () => {
  it("an advertiser reads a lead it bought, by URL and by API, with contact data", async () => {
    const { buyer, leadId, fields } = await soldLead();
    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const detail = await page(`/advertiser/leads/${leadId}`, cookie);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain(fields.email);
    // Why it is worth its price: the checks it passed and the points behind its score.
    const lead = await prisma.lead.findUniqueOrThrow({ where: { id: leadId } });
    const shown = visibleText(detail.text);
    expect(shown).toContain(`Score ${lead.qualityScore}/100`);
    expect(shown).toContain("is not a disposable-email domain");
    expect(shown).toContain("Email address given");

    const api = await fetch(new URL(`/api/v1/leads/${leadId}`, stack().appUrl), { headers: { authorization: `Bearer ${buyer.apiKey}` } });
    expect(api.status).toBe(200);
    const bought = await api.json();
    expect(bought.fields.email).toBe(fields.email);
    expect(bought).toMatchObject({ score: lead.qualityScore, temperature: lead.temperature!.toLowerCase() });
    expect(bought.checks.length).toBeGreaterThan(3);
  });

  it("an advertiser cannot read another advertiser's lead, by URL or by API", async () => {
    const { stranger, leadId, fields } = await soldLead();
    const cookie = await signIn(stack().appUrl, stranger.email, stranger.password);
    const detail = await page(`/advertiser/leads/${leadId}`, cookie);
    expect(detail.status).toBe(404);
    expect(detail.text).not.toContain(fields.email);
    const list = await page("/advertiser/leads", cookie);
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(fields.email);

    const api = await fetch(new URL(`/api/v1/leads/${leadId}`, stack().appUrl), { headers: { authorization: `Bearer ${stranger.apiKey}` } });
    expect(api.status).toBe(404);
    expect(await api.text()).not.toContain(fields.email);
  });

  it("an affiliate sees its lead's status and earning but not the buyer or contact data via the API", async () => {
    const { affiliate, buyer, leadId } = await soldLead();
    const api = await fetch(new URL(`/api/v1/leads/${leadId}`, stack().appUrl), { headers: { authorization: `Bearer ${affiliate.apiKey}` } });
    const body = await api.json();
    expect(body).toMatchObject({ status: "sold", earning_cents: 2400 });
    expect(JSON.stringify(body)).not.toContain(buyer.companyName);
    // Every decision explained: the score with the points that make it, and each check.
    const lead = await prisma.lead.findUniqueOrThrow({ where: { id: leadId } });
    expect(body.score).toBe(lead.qualityScore);
    expect(body.score_reasons.reduce((sum: number, r: { points: number }) => sum + r.points, 0)).toBe(lead.qualityScore);
    expect(body.checks).toContainEqual(expect.objectContaining({ code: "email_disposable", outcome: "pass" }));
    const other = await makeAffiliate();
    const foreign = await fetch(new URL(`/api/v1/leads/${leadId}`, stack().appUrl), { headers: { authorization: `Bearer ${other.apiKey}` } });
    expect(foreign.status).toBe(404);
  });

  it("portal pages send a visitor who is not signed in to the login page", async () => {
    for (const path of ["/advertiser", "/advertiser/leads", "/affiliate", "/admin/leads"]) {
      const answer = await page(path);
      expect(answer.status, path).toBe(302);
      expect(answer.location, path).toContain("/login?redirectTo=");
    }
  });

  it("each role is refused the other roles' portals", async () => {
    const affiliate = await makeAffiliate();
    const advertiser = await makeAdvertiser();
    const advertiserCookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const affiliateCookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    expect((await page("/affiliate", advertiserCookie)).status).toBe(403);
    expect((await page("/admin/leads", advertiserCookie)).status).toBe(403);
    expect((await page("/advertiser/leads", affiliateCookie)).status).toBe(403);
    expect((await page("/admin/leads", affiliateCookie)).status).toBe(403);
  });

  it("an admin sees every lead with its timeline", async () => {
    const { leadId } = await soldLead();
    const admin = await makeAdmin();
    const cookie = await signIn(stack().appUrl, admin.email, admin.password);
    const detail = await page(`/admin/leads/${leadId}`, cookie);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain("Received by postback");
    expect(detail.text).toContain("Sold on order");
  });
});
