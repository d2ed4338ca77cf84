import { describe, expect, it } from "vitest";
import { processReceivedLead } from "~/modules/leads/lead-pipeline.server";
import { LEAD_CHECKS } from "~/modules/quality/checks/index.server";
import type { OfferQualityRules } from "~/modules/quality/quality.schema";
import { prisma } from "~/utils/db.server";
import { makeAffiliate } from "./factories/accounts";
import { affiliateLeadId, checkOutcomes, leadDecided, leadFields, postLead } from "./factories/leads";
import { makeOffer } from "./factories/marketplace";
import { signIn, useTestStack } from "./support/app";

const stack = useTestStack();

const CONSENT = {
  consent_text: "I agree to be called about home insurance quotes.",
  consent_at: "2025-01-31T14:05:00Z",
  consent_cert_url: "https://cert.trustedform.com/2f6c3a0e9b",
};

const STRICT_RULES: Partial<OfferQualityRules> = {
  requireConsent: true,
  requireConsentCertificate: true,
  minFormFillSeconds: 5,
  rejectDisposableEmail: true,
  rejectRoleEmail: true,
  allowedPhoneTypes: ["MOBILE"],
  crossOfferDuplicateWindowDays: 30,
};

async function postAndDecide(apiKey: string, offerId: string, body: Record<string, unknown>) {
  const answer = await postLead(stack().appUrl, apiKey, { offer_id: offerId, lead_id: affiliateLeadId(), ...body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return leadDecided(answer.body.lead_id);
}

async function askLead(apiKey: string, leadId: string) {
  const response = await fetch(new URL(`/api/v1/leads/${leadId}`, stack().appUrl), { headers: { authorization: `Bearer ${apiKey}` } });
  return response.json();
}

describe("verification checks", () => {
  it("a clean lead passes every check, each one written on its timeline and stored with the lead", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { qualityRules: STRICT_RULES });
    const lead = await postAndDecide(affiliate.apiKey, offer.id, { ...leadFields(), ...CONSENT, time_on_form: 42, pages_viewed: 3 });
    expect(lead.status).toBe("UNSOLD");
    const outcomes = checkOutcomes(lead.events);
    expect(Object.keys(outcomes)).toEqual(LEAD_CHECKS.map((c) => c.code));
    expect(outcomes).toMatchObject({
      fields: "pass",
      email_disposable: "pass",
      email_role: "pass",
      phone_type: "pass",
      geo: "pass",
      postal_state: "pass",
      duplicate_same_offer: "pass",
      duplicate_cross_offer: "pass",
      form_fill_time: "pass",
      consent: "pass",
      consent_certificate: "pass",
      suppression: "pass",
    });
    expect(lead.checks).toHaveLength(LEAD_CHECKS.length);
    // The phone's line type is recorded even when it passes; the number is stored as E.164.
    const phoneEvent = lead.events.find((e) => (e.data as { code?: string } | null)?.code === "phone_type");
    expect(phoneEvent?.message).toContain("FIXED_LINE_OR_MOBILE");
    expect(lead.phone).toMatch(/^\+1415555\d{4}$/);
    expect(lead.consent).toEqual({ text: CONSENT.consent_text, at: "2025-01-31T14:05:00.000Z", certUrl: CONSENT.consent_cert_url });
    expect(lead.signals).toEqual({ timeOnFormSeconds: 42, pagesViewed: 3 });
  });

  it("a lead failing many checks is rejected naming every failing reason, visible to the affiliate", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { qualityRules: STRICT_RULES });
    const lead = await postAndDecide(affiliate.apiKey, offer.id, {
      ...leadFields({ email: `ada.${Date.now()}@mailinator.com`, phone: "+1 800 555 0199", state: "TX", postal_code: "94107" }),
      time_on_form: 1,
    });
    expect(lead.status).toBe("REJECTED");
    expect([...lead.reasons].sort()).toEqual(
      ["disposable_email", "form_fill_too_fast", "missing_consent", "missing_consent_certificate", "phone_type_not_allowed", "postal_state_mismatch"].sort(),
    );
    const outcomes = checkOutcomes(lead.events);
    expect(outcomes).toMatchObject({ email_disposable: "fail", phone_type: "fail", postal_state: "fail", geo: "pass" });
    const phoneEvent = lead.events.find((e) => (e.data as { code?: string } | null)?.code === "phone_type");
    expect(phoneEvent?.message).toContain("TOLL_FREE");
    const asked = await askLead(affiliate.apiKey, lead.id);
    expect(asked.status).toBe("rejected");
    expect([...asked.reasons].sort()).toEqual([...lead.reasons].sort());
  });

  it("rejects a state outside the offer's geo, and a role-account email when the offer says so", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { states: ["CA"], qualityRules: { rejectRoleEmail: true } });
    const lead = await postAndDecide(affiliate.apiKey, offer.id, leadFields({ email: `info@acme-${Date.now()}.com`, state: "FL", postal_code: "33101" }));
    expect([...lead.reasons].sort()).toEqual(["out_of_geo", "role_email"]);
    expect(checkOutcomes(lead.events)).toMatchObject({ geo: "fail", email_role: "fail", postal_state: "pass" });

    // The same role account passes on an offer that accepts them (the default).
    const lenient = await makeOffer(affiliate.actor);
    const accepted = await postAndDecide(affiliate.apiKey, lenient.id, leadFields({ email: `sales@acme-${Date.now()}.com` }));
    expect(accepted.status).toBe("UNSOLD");
    expect(checkOutcomes(accepted.events).email_role).toBe("pass");
  });

  it("rejects the same person sent on another offer inside the cross-offer window, and not when the window is off", async () => {
    const first = await makeAffiliate();
    const second = await makeAffiliate();
    const offerA = await makeOffer(first.actor);
    const offerB = await makeOffer(second.actor, { qualityRules: { crossOfferDuplicateWindowDays: 30 } });
    const offerC = await makeOffer(second.actor);
    const person = leadFields();
    expect((await postAndDecide(first.apiKey, offerA.id, person)).status).toBe("UNSOLD");

    const onB = await postAndDecide(second.apiKey, offerB.id, { ...person, email: `other.${Date.now()}@example.com` });
    expect(onB.status).toBe("REJECTED");
    expect(onB.reasons).toEqual(["duplicate_cross_offer"]);
    const event = onB.events.find((e) => e.type === "rejected");
    expect(event?.message).toContain("another offer");
    // The other affiliate's lead id is not revealed.
    expect(event?.message).not.toContain(offerA.id);

    const onC = await postAndDecide(second.apiKey, offerC.id, person);
    expect(onC.status).toBe("UNSOLD");
    expect(checkOutcomes(onC.events).duplicate_cross_offer).toBe("skip");
  });

  it("rejects leads over the offer's hourly limit per affiliate and daily limit per consumer IP", async () => {
    const affiliate = await makeAffiliate();
    const perAffiliate = await makeOffer(affiliate.actor, { qualityRules: { maxLeadsPerAffiliatePerHour: 2 } });
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      const lead = await postAndDecide(affiliate.apiKey, perAffiliate.id, leadFields());
      statuses.push(`${lead.status}: ${lead.reasons.join(",")}`);
    }
    expect(statuses).toEqual(["UNSOLD: no_matching_order", "UNSOLD: no_matching_order", "REJECTED: velocity_affiliate"]);

    const perIp = await makeOffer(affiliate.actor, { qualityRules: { maxLeadsPerIpPerDay: 1 } });
    const firstFromIp = await postAndDecide(affiliate.apiKey, perIp.id, { ...leadFields(), ip_address: "203.0.113.7" });
    const againFromIp = await postAndDecide(affiliate.apiKey, perIp.id, { ...leadFields(), ip_address: "203.0.113.7" });
    const otherIp = await postAndDecide(affiliate.apiKey, perIp.id, { ...leadFields(), ip_address: "198.51.100.20" });
    expect(checkOutcomes(firstFromIp.events).velocity_ip).toBe("pass");
    expect(againFromIp.reasons).toEqual(["velocity_ip"]);
    expect(otherIp.status).toBe("UNSOLD");
  });

  it("a burst of leads posted at once passes exactly the offer's hourly limit per affiliate; the rest are rejected velocity_affiliate", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { qualityRules: { maxLeadsPerAffiliatePerHour: 3 } });
    // Connections already open, as a busy affiliate server has them: the burst arrives together
    // and is stored by a few batched statements, so many of its leads share one receivedAt.
    const burst = 30;
    await Promise.all(Array.from({ length: burst }, () => fetch(new URL("/api/v1/openapi.json", stack().appUrl)).then((r) => r.arrayBuffer())));
    const answers = await Promise.all(
      Array.from({ length: burst }, () => postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields() })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(burst).fill(201));
    const leads = await Promise.all(answers.map((a) => leadDecided(a.body.lead_id)));
    expect(leads.filter((l) => l.status === "UNSOLD")).toHaveLength(3);
    const rejected = leads.filter((l) => l.status === "REJECTED");
    expect(rejected).toHaveLength(burst - 3);
    for (const lead of rejected) {
      expect(lead.reasons).toEqual(["velocity_affiliate"]);
      expect(lead.events.find((e) => e.type === "rejected")?.message).toBe("Rejected: Over the offer's limit of 3 leads per hour from this affiliate");
    }
  });

  it("leads stored by one statement count each other for the daily limit per IP, whatever order they are checked in", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { qualityRules: { maxLeadsPerIpPerDay: 2 } });
    const rows = Array.from({ length: 5 }, () => ({
      offerId: offer.id,
      affiliateId: affiliate.actor.companyId,
      externalId: affiliateLeadId(),
      rawFields: leadFields(),
      subIds: {},
      ipAddress: "203.0.113.50",
    }));
    // One INSERT: every lead gets the same receivedAt, as a batched postback burst does.
    const stored = await prisma.lead.createManyAndReturn({ data: rows, select: { id: true, receivedAt: true } });
    expect(new Set(stored.map((l) => l.receivedAt.getTime())).size).toBe(1);
    for (const lead of [...stored].reverse()) await processReceivedLead(lead.id);
    const decided = await Promise.all(stored.map((l) => leadDecided(l.id)));
    expect(decided.filter((l) => l.status === "UNSOLD")).toHaveLength(2);
    expect(decided.filter((l) => l.reasons.includes("velocity_ip"))).toHaveLength(3);
  });

  it("the daily limit per IP counts the consumer IP the affiliate posts, never the affiliate's own server", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { qualityRules: { maxLeadsPerIpPerDay: 2 } });
    const distinctIps = [];
    for (let i = 1; i <= 4; i++) distinctIps.push(await postAndDecide(affiliate.apiKey, offer.id, { ...leadFields(), ip_address: `198.51.100.${i}` }));
    const withoutIp = [];
    for (let i = 0; i < 4; i++) withoutIp.push(await postAndDecide(affiliate.apiKey, offer.id, leadFields()));
    for (const lead of [...distinctIps, ...withoutIp]) expect(lead.status, lead.reasons.join(",")).toBe("UNSOLD");
    for (const lead of withoutIp) {
      expect(lead.ipAddress).toBeNull();
      const event = lead.events.find((e) => (e.data as { code?: string } | null)?.code === "velocity_ip");
      expect(event?.message).toBe("velocity_ip: skip: No consumer IP posted (ip_address), so the daily limit per IP is not checked");
    }

    const shared = [];
    for (let i = 0; i < 3; i++) shared.push(await postAndDecide(affiliate.apiKey, offer.id, { ...leadFields(), ip_address: "203.0.113.9" }));
    expect(shared.map((l) => `${l.status}: ${l.reasons.join(",")}`)).toEqual([
      "UNSOLD: no_matching_order",
      "UNSOLD: no_matching_order",
      "REJECTED: velocity_ip",
    ]);
  });

  it("holds a lead for review when the offer expects a form-fill time and none was posted", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { qualityRules: { minFormFillSeconds: 8 } });
    const lead = await postAndDecide(affiliate.apiKey, offer.id, leadFields());
    expect(lead.status).toBe("HELD");
    expect(lead.reasons).toContain("form_fill_time_missing");
    expect(lead.events.map((e) => e.type)).toContain("held");
    const filled = await postAndDecide(affiliate.apiKey, offer.id, { ...leadFields(), time_on_form: "8" });
    expect(filled.status).toBe("UNSOLD");
  });

  it("consent passes when posted and fails naming what is missing", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { qualityRules: { requireConsent: true, requireConsentCertificate: true } });
    const textOnly = await postAndDecide(affiliate.apiKey, offer.id, { ...leadFields(), consent_text: CONSENT.consent_text, consent_at: CONSENT.consent_at });
    expect(textOnly.reasons).toEqual(["missing_consent_certificate"]);
    expect(checkOutcomes(textOnly.events)).toMatchObject({ consent: "pass", consent_certificate: "fail" });
    const full = await postAndDecide(affiliate.apiKey, offer.id, { ...leadFields(), ...CONSENT });
    expect(full.status).toBe("UNSOLD");
  });

  it("answers 422 naming bad consent and activity values, and stores nothing", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const answer = await postLead(stack().appUrl, affiliate.apiKey, {
      offer_id: offer.id,
      lead_id: affiliateLeadId(),
      ...leadFields(),
      consent_at: "yesterday",
      consent_cert_url: "http://cert.example.com/1",
      time_on_form: "-3",
      pages_viewed: "2.5",
      test: "maybe",
    });
    expect(answer.status).toBe(422);
    expect(Object.keys(answer.body.error.fields).sort()).toEqual(["consent_at", "consent_cert_url", "pages_viewed", "test", "time_on_form"]);
    expect(answer.body.error.fields.consent_cert_url).toContain("https://");
    expect(await prisma.lead.count({ where: { offerId: offer.id } })).toBe(0);
  });

  it("a lead whose stored fields no longer fit the offer is rejected as invalid_fields and the checks that need them are skipped", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    // Stored without the intake's check (e.g. the offer's spec changed after it arrived).
    const lead = await prisma.lead.create({
      data: {
        offerId: offer.id,
        affiliateId: affiliate.actor.companyId,
        externalId: affiliateLeadId(),
        rawFields: { ...leadFields(), email: "not-an-email" },
        subIds: {},
      },
    });
    expect(await processReceivedLead(lead.id)).toBe("rejected");
    const decided = await leadDecided(lead.id);
    expect(decided.reasons).toEqual(["invalid_fields"]);
    const outcomes = checkOutcomes(decided.events);
    expect(outcomes.fields).toBe("fail");
    expect(outcomes).toMatchObject({ email_disposable: "skip", phone_type: "skip", geo: "skip", duplicate_same_offer: "skip", suppression: "skip" });
    expect(decided.events.find((e) => e.type === "rejected")?.message).toContain("email: Not a valid email address");
  });

  it("an affiliate's offer form sets custom field types and quality rules; posted values outside them get a 422 naming each field", async () => {
    const affiliate = await makeAffiliate();
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const form = new URLSearchParams({
      title: "Solar leads",
      vertical: "solar",
      pricingModel: "CPL",
      price: "30",
      field_email: "required",
      field_phone: "required",
      custom_0_name: "roof_type",
      custom_0_type: "enum",
      custom_0_required: "required",
      custom_0_options: "Shingle, Tile, Metal",
      custom_1_name: "homeowner",
      custom_1_type: "boolean",
      custom_1_required: "required",
      custom_2_name: "install_by",
      custom_2_type: "date",
      custom_2_min: "2025-01-01",
      custom_2_max: "2030-12-31",
      custom_3_name: "monthly_bill",
      custom_3_type: "number",
      custom_3_min: "50",
      custom_3_max: "2000",
      "qualityRules.shown": "1",
      "qualityRules.duplicateWindowDays": "14",
      "qualityRules.maxLeadsPerIpPerDay": "3",
      "qualityRules.requireConsent": "on",
      "qualityRules.rejectDisposableEmail": "on",
      "qualityRules.allowedPhoneTypes": "MOBILE",
      distribution: "ROUND_ROBIN",
    });
    const created = await fetch(new URL("/affiliate/offers/new", stack().appUrl), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: form,
    });
    expect(created.status).toBe(302);
    const offer = await prisma.offer.findFirstOrThrow({ where: { affiliateId: affiliate.actor.companyId } });
    expect(offer.distribution).toBe("ROUND_ROBIN");
    expect(offer.qualityRules).toMatchObject({
      duplicateWindowDays: 14,
      maxLeadsPerIpPerDay: 3,
      requireConsent: true,
      rejectRoleEmail: false,
      allowedPhoneTypes: ["MOBILE"],
    });
    expect(offer.fields).toContainEqual({ name: "roof_type", type: "enum", required: true, options: ["Shingle", "Tile", "Metal"] });
    expect(offer.fields).toContainEqual({ name: "monthly_bill", type: "number", required: false, min: 50, max: 2000 });
    const page = await (await fetch(new URL(`/affiliate/offers/${offer.id}`, stack().appUrl), { headers: { cookie } })).text();
    expect(page).toContain("One of: Shingle, Tile, Metal");
    expect(page).toContain("Round robin");

    const bad = await postLead(stack().appUrl, affiliate.apiKey, {
      offer_id: offer.id,
      lead_id: affiliateLeadId(),
      email: "ada@example.com",
      phone: "(415) 555-2671",
      roof_type: "Straw",
      homeowner: "perhaps",
      install_by: "31/12/2026",
      monthly_bill: "20",
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toEqual({
      roof_type: "Must be one of: Shingle, Tile, Metal",
      homeowner: "Must be true or false (also 1/0, yes/no)",
      install_by: "Must be a date written yyyy-mm-dd",
      monthly_bill: "At least 50",
    });
    const good = await postLead(stack().appUrl, affiliate.apiKey, {
      offer_id: offer.id,
      lead_id: affiliateLeadId(),
      ...CONSENT,
      email: "ada@example.com",
      phone: "(415) 555-2671",
      roof_type: "tile",
      homeowner: "yes",
      install_by: "2026-05-01",
      monthly_bill: 180,
    });
    expect(good.status).toBe(201);
    const lead = await leadDecided(good.body.lead_id);
    expect(lead.fields).toMatchObject({ roof_type: "Tile", homeowner: "true", install_by: "2026-05-01", monthly_bill: "180" });
  });

  it("the offer form names a custom enum without options and a bad rule", async () => {
    const affiliate = await makeAffiliate();
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const answer = await fetch(new URL("/affiliate/offers/new", stack().appUrl), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({
        title: "Solar leads",
        vertical: "solar",
        pricingModel: "CPL",
        price: "30",
        field_email: "required",
        custom_0_name: "roof_type",
        custom_0_type: "enum",
        "qualityRules.shown": "1",
        "qualityRules.acceptScore": "140",
      }),
    });
    expect(answer.status).toBe(400);
    const html = await answer.text();
    expect(html).toContain("List the allowed values of roof_type");
    expect(html).toMatch(/Too big|at most 100|&lt;=100|<=100/i);
    expect(await prisma.offer.count({ where: { affiliateId: affiliate.actor.companyId } })).toBe(0);
  });
});
