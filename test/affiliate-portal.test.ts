import { describe, expect, it } from "vitest";
import { offerFormValues } from "~/modules/offers/offer-form-values";
import { getOwnOffer } from "~/modules/offers/offers.server";
import { prisma } from "~/utils/db.server";
import { makeAffiliate } from "./factories/accounts";
import { affiliateLeadId, leadFields, postLead } from "./factories/leads";
import { makeOffer } from "./factories/marketplace";
import { getPage, signIn, submitForm, useTestStack } from "./support/app";
import { makeMarket, postAndSettle } from "./support/selling";
import { waitFor } from "./support/wait";

const stack = useTestStack();

async function readByExternalId(apiKey: string, externalId: string) {
  const response = await fetch(new URL(`/api/v1/leads/by-external-id/${encodeURIComponent(externalId)}`, stack().appUrl), {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The offer's own form values, as "Edit offer" opens, with some changed. */
async function editForm(affiliate: Awaited<ReturnType<typeof makeAffiliate>>, offerId: string, changes: Record<string, string>) {
  return { ...offerFormValues(await getOwnOffer(affiliate.actor, offerId)), ...changes };
}

/** Test postbacks to the offer until one is refused with `message` (the web process keeps an offer it read for two seconds). */
async function refusedPostback(apiKey: string, offerId: string, message: string) {
  return waitFor(`a postback refused with "${message}"`, async () => {
    const answer = await postLead(stack().appUrl, apiKey, { offer_id: offerId, lead_id: affiliateLeadId(), test: "true", ...leadFields() });
    return answer.status === 409 && answer.body.error.message === message ? answer : undefined;
  });
}

describe("affiliate portal", () => {
  it("an affiliate reads its own lead by the id it posted it with; another affiliate and an unknown id get 404", async () => {
    const { affiliate, offer } = await makeMarket(stack());
    const lead = await postAndSettle(stack(), affiliate.apiKey, offer.id, { s1: "camp-9" });
    const own = await readByExternalId(affiliate.apiKey, lead.externalId);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ lead_id: lead.id, affiliate_lead_id: lead.externalId, offer_id: offer.id, status: "sold", earning_cents: 2560 });

    const other = await makeAffiliate();
    expect((await readByExternalId(other.apiKey, lead.externalId)).status).toBe(404);
    const unknown = await readByExternalId(affiliate.apiKey, "never-posted");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: "not_found" } });
  });

  it("the lead page explains the owner's lead in words and is a 404 for another affiliate; the list finds it by id and email", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const fields = leadFields();
    const posted = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), s2: "fb-7", ...fields });
    expect(posted.status).toBe(201);
    await waitFor("the lead to be unsold", async () => (await prisma.lead.findUnique({ where: { id: posted.body.lead_id } }))?.status === "UNSOLD");

    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const page = await getPage(stack().appUrl, `/affiliate/leads/${posted.body.lead_id}`, cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain("No buyer's order matched this lead (no_matching_order)");
    expect(page.text).toContain("s2=fb-7");
    expect(page.text).toContain("Not sold");

    const other = await makeAffiliate();
    const otherCookie = await signIn(stack().appUrl, other.email, other.password);
    expect((await getPage(stack().appUrl, `/affiliate/leads/${posted.body.lead_id}`, otherCookie)).status).toBe(404);

    const byId = await getPage(stack().appUrl, `/affiliate/leads?q=${encodeURIComponent(posted.body.affiliate_lead_id)}`, cookie);
    expect(byId.text).toContain(posted.body.affiliate_lead_id);
    const byEmail = await getPage(stack().appUrl, `/affiliate/leads?q=${encodeURIComponent(fields.email.toUpperCase())}&status=UNSOLD`, cookie);
    expect(byEmail.text).toContain(posted.body.affiliate_lead_id);
    const wrongStatus = await getPage(stack().appUrl, `/affiliate/leads?q=${encodeURIComponent(fields.email)}&status=SOLD`, cookie);
    expect(wrongStatus.text).toContain("No lead matches these filters");
  });

  it("editing an offer saves it and writes its history; a bad title is refused naming the field; the pricing model cannot change", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const path = `/affiliate/offers/${offer.id}/edit`;

    const saved = await submitForm(stack().appUrl, path, await editForm(affiliate, offer.id, { title: "Home insurance, West", price: "27.50" }), cookie);
    expect(saved).toMatchObject({ status: 302, location: `/affiliate/offers/${offer.id}` });
    expect(await prisma.offer.findUniqueOrThrow({ where: { id: offer.id } })).toMatchObject({ title: "Home insurance, West", priceCents: 2750 });
    const history = await prisma.auditLog.findMany({ where: { targetType: "Offer", targetId: offer.id } });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ action: "offer.updated", data: { changes: { title: { from: "Home insurance quotes", to: "Home insurance, West" } } } });
    expect(Object.keys((history[0].data as { changes: object }).changes).sort()).toEqual(["priceCents", "title"]);

    const page = await getPage(stack().appUrl, `/affiliate/offers/${offer.id}`, cookie);
    expect(page.text).toContain("History When Who What");
    expect(page.text).toContain("Edited title: Home insurance quotes → Home insurance, West");
    expect(page.text).toContain("price: $25.00 → $27.50");
    // 20% platform fee on the $27.50 asking price.
    expect(page.text).toContain("asking $27.50 − fee $5.50 = you are paid $22.00");

    const bad = await submitForm(stack().appUrl, path, await editForm(affiliate, offer.id, { title: "x" }), cookie);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Give the offer a title of at least 3 characters");
    const model = await submitForm(stack().appUrl, path, await editForm(affiliate, offer.id, { pricingModel: "CPA" }), cookie);
    expect(model.status).toBe(422);
    expect(model.text).toContain("The pricing model cannot change");
    expect(await prisma.auditLog.count({ where: { targetType: "Offer", targetId: offer.id } })).toBe(1);

    const other = await makeAffiliate();
    const otherCookie = await signIn(stack().appUrl, other.email, other.password);
    expect((await getPage(stack().appUrl, path, otherCookie)).status).toBe(404);
    expect((await submitForm(stack().appUrl, path, await editForm(affiliate, offer.id, { title: "Stolen" }), otherCookie)).status).toBe(404);
  });

  it("a paused offer refuses postbacks with its reason until resumed; archiving needs a confirmation, then refuses them for good", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const path = `/affiliate/offers/${offer.id}`;

    expect(await submitForm(stack().appUrl, path, { status: "PAUSED" }, cookie)).toMatchObject({ status: 302, location: path });
    const paused = await refusedPostback(affiliate.apiKey, offer.id, "This offer is paused and takes no leads; resume it in the portal");
    expect(paused.body.error.code).toBe("conflict");

    expect((await submitForm(stack().appUrl, path, { status: "ACTIVE" }, cookie)).status).toBe(302);
    const unconfirmed = await submitForm(stack().appUrl, path, { status: "ARCHIVED" }, cookie);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain("Tick the box to confirm");
    expect((await prisma.offer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe("ACTIVE");

    expect((await submitForm(stack().appUrl, path, { status: "ARCHIVED", confirm: "on" }, cookie)).status).toBe(302);
    const archived = await refusedPostback(affiliate.apiKey, offer.id, "This offer is archived and takes no leads");
    expect(archived.body.error.code).toBe("conflict");
    expect((await submitForm(stack().appUrl, path, { status: "ACTIVE" }, cookie)).status).toBe(409);
    expect((await getPage(stack().appUrl, `${path}/edit`, cookie)).status).toBe(409);

    const history = await prisma.auditLog.findMany({ where: { targetType: "Offer", targetId: offer.id }, orderBy: { createdAt: "asc" } });
    expect(history.map((h) => h.action)).toEqual(["offer.paused", "offer.resumed", "offer.archived"]);
  });

  it("an offer Leadex unlisted shows the reason and cannot be resumed by its affiliate", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    await prisma.offer.update({ where: { id: offer.id }, data: { status: "PAUSED", unlistedAt: new Date(), unlistedReason: "Misleading title" } });
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const page = await getPage(stack().appUrl, `/affiliate/offers/${offer.id}`, cookie);
    expect(page.text).toContain("Leadex unlisted this offer");
    expect(page.text).toContain("Misleading title");
    const resumed = await submitForm(stack().appUrl, `/affiliate/offers/${offer.id}`, { status: "ACTIVE" }, cookie);
    expect(resumed.status).toBe(409);
    expect(resumed.text).toContain("only an admin can relist it");
    expect((await prisma.offer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe("PAUSED");
  });

  it("the dashboard guide ticks off the API key, the first test lead and the first real lead, then goes away", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const guide = async () => (await getPage(stack().appUrl, "/affiliate", cookie)).text;

    expect(await guide()).toMatch(/done Create an API key .* to do Send a test lead .* to do Send your first real lead/);
    const test = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), test: "true", ...leadFields() });
    expect(test.status).toBe(200);
    expect(await guide()).toMatch(/done Send a test lead .* to do Send your first real lead/);
    expect(await prisma.lead.count({ where: { affiliateId: affiliate.actor.companyId } })).toBe(0);

    const real = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields() });
    expect(real.status).toBe(201);
    expect(await guide()).not.toContain("Get started in three steps");
  });

  it("the Send leads page gives each offer's postback example and names the other direction apart", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { title: "Solar leads, Texas" });
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const page = await getPage(stack().appUrl, `/affiliate/send-leads?offer=${offer.id}`, cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`${stack().appUrl}/api/v1/leads`);
    expect(page.text).toContain(`"offer_id": "${offer.id}"`);
    expect(page.text).toContain("Authorization: Bearer YOUR_API_KEY");
    expect(page.text).toContain("Postbacks to you");
    expect((await getPage(stack().appUrl, "/affiliate/postbacks", cookie)).text).toContain("Postbacks to you");
  });
});
