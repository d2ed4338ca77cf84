import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { setOwnOrderStatus } from "~/modules/orders/orders.server";
import { openReturn } from "~/modules/disputes/lead-returns.server";
import { respondToDispute } from "~/modules/disputes/dispute-decisions.server";
import { releaseDueEarnings } from "~/modules/earnings/earnings.server";
import { startPayoutOnboarding } from "~/modules/payouts/connect-accounts.server";
import { runPayouts } from "~/modules/payouts/payout-runs.server";
import { processReceivedLead } from "~/modules/leads/lead-pipeline.server";
import { personHash } from "~/modules/quality/person-hash.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { affiliateLeadId, leadFields, postLead } from "./factories/leads";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { getPage, signIn, submitForm, useTestStack } from "./support/app";
import { makeMarket, postAndSettle } from "./support/selling";
import { waitFor } from "./support/wait";

// The admin console (issue 14): companies, offer moderation, the review queue's candidates and
// resell, the audit log viewer, the admin lead list, and the notifications those actions send.

const stack = useTestStack();
const DAY = 86_400_000;

const page = (path: string, cookie?: string) => getPage(stack().appUrl, path, cookie);
const submit = (path: string, fields: Record<string, string>, cookie?: string) => submitForm(stack().appUrl, path, fields, cookie);
const html = async (path: string, cookie: string) => (await fetch(new URL(path, stack().appUrl), { headers: { cookie } })).text();

async function signedInAdmin() {
  const admin = await makeAdmin();
  return { admin, cookie: await signIn(stack().appUrl, admin.email, admin.password) };
}

const auditActions = async (actorId: string | null) =>
  (await prisma.auditLog.findMany({ where: { actorId }, orderBy: { createdAt: "asc" }, select: { action: true } })).map((a) => a.action);

/** A lead held for review (the offer accepts nothing under 100) on `offerId`. */
async function heldLead(apiKey: string, offerId: string) {
  const posted = await postLead(stack().appUrl, apiKey, { offer_id: offerId, lead_id: affiliateLeadId(), ...leadFields() });
  expect(posted.status).toBe(201);
  return waitFor(`lead ${posted.body.lead_id} to be held`, async () => {
    const row = await prisma.lead.findUniqueOrThrow({ where: { id: posted.body.lead_id } });
    return row.status === "HELD" ? row : undefined;
  });
}

describe("companies: suspend, reinstate, payout holds, notes", () => {
  it(
    "suspending an advertiser signs it out, refuses its sign-in and API keys, and pauses its open orders so routing skips them; reinstating resumes exactly those",
    { timeout: 90_000 },
    async () => {
      const { affiliate, offer, buyer, order } = await makeMarket(stack());
      const ownPause = await makeOrder(buyer.actor, offer.id, { priceCents: 3100 });
      await setOwnOrderStatus(buyer.actor, ownPause.id, "PAUSED");
      const buyerCookie = await signIn(stack().appUrl, buyer.email, buyer.password);
      const { admin, cookie } = await signedInAdmin();
      const path = `/admin/companies/${buyer.actor.companyId}`;

      expect((await submit(path, { intent: "suspend", reason: "Card fraud under review" }, buyerCookie)).status).toBe(403);
      const noReason = await submit(path, { intent: "suspend", reason: " " }, cookie);
      expect(noReason.status).toBe(400);
      expect(noReason.text).toContain("Say why the company is suspended");
      expect(await prisma.company.findUniqueOrThrow({ where: { id: buyer.actor.companyId } })).toMatchObject({ suspendedAt: null });

      const suspended = await submit(path, { intent: "suspend", reason: "Card fraud under review" }, cookie);
      expect(suspended).toMatchObject({ status: 302, location: path });
      const shown = await page(path, cookie);
      expect(shown.text).toContain("Suspended on");
      expect(shown.text).toContain("Card fraud under review");
      expect(
        await prisma.auditLog.findFirst({ where: { actorId: admin.actor.userId, action: "company.suspended", targetId: buyer.actor.companyId } }),
      ).toMatchObject({
        data: { reason: "Card fraud under review", ordersPaused: 1 },
      });
      expect(await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: "PAUSED", pauseReason: "COMPANY_SUSPENDED" });
      expect(await prisma.order.findUniqueOrThrow({ where: { id: ownPause.id } })).toMatchObject({ status: "PAUSED", pauseReason: null });

      // Its session has ended, it cannot sign in (and is told why), its API key is refused.
      expect((await page("/advertiser", buyerCookie)).location).toMatch(/^\/login/);
      const login = await submit("/login", { email: buyer.email, password: buyer.password });
      expect(login.status).toBe(403);
      expect(login.text).toContain(`${buyer.companyName} is suspended by Leadex: Card fraud under review`);
      const api = await fetch(new URL("/api/v1/advertiser/leads", stack().appUrl), { headers: { authorization: `Bearer ${buyer.apiKey}` } });
      expect(api.status).toBe(403);
      expect((await api.json()).error.message).toContain("is suspended by Leadex (Card fraud under review)");
      // Its users are told.
      const notices = await prisma.userNotice.findMany({ where: { user: { companyId: buyer.actor.companyId }, kind: "MODERATION" } });
      expect(notices.map((n) => (n.data as { message: string }).message)).toEqual([expect.stringContaining("Leadex suspended")]);

      // Routing skips its paused order: nobody buys.
      expect((await postAndSettle(stack(), affiliate.apiKey, offer.id)).status).toBe("UNSOLD");

      expect(await submit(path, { intent: "reinstate" }, cookie)).toMatchObject({ status: 302, location: path });
      expect(await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: "OPEN", pauseReason: null });
      expect(await prisma.order.findUniqueOrThrow({ where: { id: ownPause.id } })).toMatchObject({ status: "PAUSED", pauseReason: null });
      expect(await prisma.auditLog.findFirst({ where: { action: "company.reinstated", targetId: buyer.actor.companyId } })).toMatchObject({
        actorId: admin.actor.userId,
        data: { ordersResumed: 1 },
      });
      const sold = await postAndSettle(stack(), affiliate.apiKey, offer.id);
      expect(sold.status).toBe("SOLD");
      await signIn(stack().appUrl, buyer.email, buyer.password);

      // The lead's timeline names the order by its advertiser, linked to the company.
      const timeline = await page(`/admin/leads/${sold.id}`, cookie);
      expect(timeline.text).toContain(`order of ${buyer.companyName} ( ${order.id} )`);
      expect(await html(`/admin/leads/${sold.id}`, cookie)).toContain(`href="/admin/companies/${buyer.actor.companyId}"`);
    },
  );

  it("a suspended affiliate's postbacks are refused with the reason, even right after a postback it made was accepted", { timeout: 90_000 }, async () => {
    const { affiliate, offer } = await makeMarket(stack());
    expect((await postAndSettle(stack(), affiliate.apiKey, offer.id)).status).toBe("SOLD");
    const { cookie } = await signedInAdmin();
    expect((await submit(`/admin/companies/${affiliate.actor.companyId}`, { intent: "suspend", reason: "Incentivised traffic" }, cookie)).status).toBe(302);
    const refused = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields() });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain("Incentivised traffic");
  });

  it(
    "notes are added with their author and listed newest first; payouts are held and released from the company page; each is audited",
    { timeout: 90_000 },
    async () => {
      const affiliate = await makeAffiliate();
      const advertiser = await makeAdvertiser();
      const { admin, cookie } = await signedInAdmin();
      const path = `/admin/companies/${affiliate.actor.companyId}`;
      const advertiserCookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
      expect((await submit(path, { intent: "note", body: "sneaky" }, advertiserCookie)).status).toBe(403);

      const empty = await submit(path, { intent: "note", body: "" }, cookie);
      expect(empty.status).toBe(400);
      expect(empty.text).toContain("Write the note");
      expect((await submit(path, { intent: "note", body: "Called them about sub-id 7" }, cookie)).status).toBe(302);
      expect((await submit(path, { intent: "note", body: "They paused sub-id 7" }, cookie)).status).toBe(302);
      const shown = await page(path, cookie);
      expect(shown.text).toContain("Leadex admin");
      expect(shown.text.indexOf("They paused sub-id 7")).toBeLessThan(shown.text.indexOf("Called them about sub-id 7"));

      const noReason = await submit(path, { intent: "hold-payouts", reason: "" }, cookie);
      expect(noReason.status).toBe(400);
      expect(noReason.text).toContain("Say why the payouts are held");
      expect((await submit(path, { intent: "hold-payouts", reason: "Fraud review" }, cookie)).status).toBe(302);
      expect((await prisma.company.findUniqueOrThrow({ where: { id: affiliate.actor.companyId } })).payoutsHeldReason).toBe("Fraud review");
      expect((await page(path, cookie)).text).toContain("Fraud review");
      expect((await submit(path, { intent: "release-payouts" }, cookie)).status).toBe(302);
      expect((await prisma.company.findUniqueOrThrow({ where: { id: affiliate.actor.companyId } })).payoutsHeldAt).toBeNull();
      expect(await auditActions(admin.actor.userId)).toEqual(["company.note.added", "company.note.added", "payouts.held", "payouts.released"]);
    },
  );

  it("the companies list searches by name and member email and filters by kind and state", { timeout: 90_000 }, async () => {
    const tag = randomUUID().slice(0, 8);
    const affiliate = await makeAffiliate({ companyName: `Zed Media ${tag}` });
    const advertiser = await makeAdvertiser({ companyName: `Zed Buyers ${tag}` });
    const { cookie } = await signedInAdmin();
    expect((await submit(`/admin/companies/${advertiser.actor.companyId}`, { intent: "suspend", reason: "Testing the filter" }, cookie)).status).toBe(302);
    const byName = await page(`/admin/companies?q=${tag}`, cookie);
    expect(byName.text).toContain(`Zed Media ${tag}`);
    expect(byName.text).toContain(`Zed Buyers ${tag}`);
    expect((await page(`/admin/companies?q=${encodeURIComponent(affiliate.email)}`, cookie)).text).not.toContain(`Zed Buyers ${tag}`);
    const suspended = await page(`/admin/companies?q=${tag}&state=suspended`, cookie);
    expect(suspended.text).toContain(`Zed Buyers ${tag}`);
    expect(suspended.text).not.toContain(`Zed Media ${tag}`);
    expect((await page(`/admin/companies?q=${tag}&kind=AFFILIATE`, cookie)).text).not.toContain(`Zed Buyers ${tag}`);
  });
});

describe("offer moderation", () => {
  it(
    "an unlisted offer leaves the marketplace, refuses new orders and postbacks with the reason, and its affiliate is told; relisting undoes it",
    { timeout: 90_000 },
    async () => {
      const { affiliate, offer, buyer } = await makeMarket(stack());
      const buyerCookie = await signIn(stack().appUrl, buyer.email, buyer.password);
      const { admin, cookie } = await signedInAdmin();
      const path = `/admin/offers/${offer.id}`;

      expect((await submit(path, { intent: "unlist", reason: "Misleading title" }, buyerCookie)).status).toBe(403);
      const noReason = await submit(path, { intent: "unlist", reason: "" }, cookie);
      expect(noReason.status).toBe(400);
      expect(noReason.text).toContain("Say why, in a few words the affiliate will read");
      expect(await submit(path, { intent: "unlist", reason: "Misleading title" }, cookie)).toMatchObject({ status: 302, location: path });
      expect(await prisma.auditLog.findFirst({ where: { action: "offer.unlisted", targetId: offer.id } })).toMatchObject({
        actorId: admin.actor.userId,
        data: { reason: "Misleading title" },
      });

      expect((await page(`/advertiser/marketplace/${offer.id}`, buyerCookie)).status).toBe(404);
      expect(await html("/advertiser/marketplace", buyerCookie)).not.toContain(`/advertiser/marketplace/${offer.id}`);
      await expect(makeOrder(buyer.actor, offer.id, { priceCents: 3000 })).rejects.toMatchObject({ status: 409 });
      const refused = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...leadFields() });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toBe("Leadex unlisted this offer (Misleading title); it takes no leads until an admin relists it");

      const affiliateCookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
      expect((await page("/notifications", affiliateCookie)).text).toContain(`Leadex unlisted your offer "${offer.title}": Misleading title.`);

      expect(await submit(path, { intent: "relist" }, cookie)).toMatchObject({ status: 302, location: path });
      expect((await page(`/advertiser/marketplace/${offer.id}`, buyerCookie)).status).toBe(200);
      expect((await postAndSettle(stack(), affiliate.apiKey, offer.id)).status).toBe("SOLD");
      const history = await page(path, cookie);
      expect(history.text).toContain("Offer unlisted: Misleading title");
      expect(history.text).toContain("Offer relisted");
    },
  );

  it("a lead that waited in the queue while its offer was unlisted is not sold, and says why", { timeout: 90_000 }, async () => {
    const { affiliate, offer, buyer } = await makeMarket(stack());
    const { cookie } = await signedInAdmin();
    // Stored as the intake stores it, but not yet decided (the worker has not reached it).
    const waiting = await prisma.lead.create({
      data: { offerId: offer.id, affiliateId: affiliate.actor.companyId, externalId: affiliateLeadId(), rawFields: leadFields(), subIds: {} },
    });
    expect(await submit(`/admin/offers/${offer.id}`, { intent: "unlist", reason: "Fake leads" }, cookie)).toMatchObject({ status: 302 });
    expect(await processReceivedLead(waiting.id)).toBe("unsold");
    const decided = await prisma.lead.findUniqueOrThrow({ where: { id: waiting.id }, include: { events: true, sales: true } });
    expect(decided).toMatchObject({ status: "UNSOLD", reasons: ["offer_unlisted"], sales: [] });
    expect(decided.events.map((e) => e.message)).toContain("Not sold: Leadex took the offer off the marketplace");
    expect(await prisma.leadSale.count({ where: { advertiserId: buyer.actor.companyId } })).toBe(0);
  });

  it("flags offers priced under $1 or titled with markup, and shows the markup as text", { timeout: 90_000 }, async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const title = `<b>FREE</b> leads ${randomUUID().slice(0, 6)}`;
    await prisma.offer.update({ where: { id: offer.id }, data: { title, priceCents: 1 } });
    const { cookie } = await signedInAdmin();
    const list = await html(`/admin/offers?flagged=1&affiliateId=${affiliate.actor.companyId}`, cookie);
    expect(list).toContain("Price under $1.00");
    expect(list).toContain("Title contains HTML or markup");
    expect(list).toContain("CPL $0.01");
    expect(list).toContain("&lt;b&gt;FREE&lt;/b&gt;");
    expect(list).not.toContain("<b>FREE</b>");
    const detail = await page(`/admin/offers/${offer.id}`, cookie);
    expect(detail.text).toContain("Looks suspicious: Price under $1.00; Title contains HTML or markup.");
  });
});

describe("review queue", () => {
  it("shows why each lead is held in words and which orders would buy it; Resell releases it to them", { timeout: 90_000 }, async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { qualityRules: { acceptScore: 100 } });
    const funded = await makeAdvertiser();
    const broke = await makeAdvertiser();
    const fundedOrder = await makeOrder(funded.actor, offer.id, { priceCents: 3000 });
    const brokeOrder = await makeOrder(broke.actor, offer.id, { priceCents: 3500 });
    await fundWallet(funded.actor, 10_000, stack().emulator);
    const lead = await heldLead(affiliate.apiKey, offer.id);
    const { admin, cookie } = await signedInAdmin();

    const queue = await page("/admin/review", cookie);
    expect(queue.text).toContain("Score below the offer's accept score score_review");
    expect(queue.text).toContain(`${funded.companyName} · order ${fundedOrder.id} · $30.00 — would buy`);
    expect(queue.text).toContain(`${broke.companyName} · order ${brokeOrder.id} · $35.00 — would not buy: the buyer's wallet cannot pay for it`);

    const affiliateCookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    expect((await submit("/admin/review", { leadId: lead.id, reason: "Looks fine" }, affiliateCookie)).status).toBe(403);
    const noReason = await submit("/admin/review", { leadId: lead.id, reason: "" }, cookie);
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("Say why the lead may be sold");
    expect(await submit("/admin/review", { leadId: lead.id, reason: "Checked the consent" }, cookie)).toMatchObject({ status: 302, location: "/admin/review" });

    const after = await prisma.lead.findUniqueOrThrow({ where: { id: lead.id }, include: { sales: true } });
    expect(after.status).toBe("SOLD");
    expect(after.sales.map((s) => [s.orderId, s.priceCents])).toEqual([[fundedOrder.id, 3000]]);
    expect(await prisma.auditLog.findFirst({ where: { action: "lead.review.approved", targetId: lead.id } })).toMatchObject({
      actorId: admin.actor.userId,
      data: { reason: "Checked the consent" },
    });
  });
});

describe("audit log viewer", () => {
  it("filters by who, action, target and day, links targets to their pages, and pages 50 rows at a time", { timeout: 90_000 }, async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const { admin, cookie } = await signedInAdmin();
    expect((await submit(`/admin/companies/${affiliate.actor.companyId}`, { intent: "suspend", reason: "Audit viewer test" }, cookie)).status).toBe(302);
    expect((await submit(`/admin/offers/${offer.id}`, { intent: "unlist", reason: "Audit viewer test" }, cookie)).status).toBe(302);

    const mine = await page(`/admin/audit?actor=${encodeURIComponent(admin.email)}`, cookie);
    expect(mine.text).toContain("Company suspended company.suspended");
    expect(mine.text).toContain("Offer unlisted offer.unlisted");
    const companies = await page(`/admin/audit?actor=${encodeURIComponent(admin.email)}&action=company.`, cookie);
    expect(companies.text).toContain("Company suspended");
    expect(companies.text).not.toContain("Offer unlisted");
    const offerRows = await html(`/admin/audit?targetType=offer&targetId=${offer.id}`, cookie);
    expect(offerRows).toContain(`href="/admin/offers/${offer.id}"`);
    expect(offerRows).not.toContain("company.suspended");
    const tomorrow = new Date(Date.now() + DAY).toISOString().slice(0, 10);
    expect((await page(`/admin/audit?actor=${encodeURIComponent(admin.email)}&from=${tomorrow}`, cookie)).text).toContain("No audit rows match these filters");

    await prisma.auditLog.createMany({
      data: Array.from({ length: 51 }, (_, i) => ({ actorId: admin.actor.userId, action: "test.paged", targetType: "Test", targetId: `paged-${i}`, data: {} })),
    });
    const first = await html(`/admin/audit?action=test.paged&actor=${admin.actor.userId}`, cookie);
    expect(first.match(/paged-\d+<\/code>/g)).toHaveLength(50);
    const next = /href="(\/admin\/audit\?[^"]*cursor=[^"]+)"/.exec(first)?.[1].replace(/&amp;/g, "&");
    expect(next).toBeDefined();
    const second = await html(next!, cookie);
    expect(second.match(/paged-\d+<\/code>/g)).toHaveLength(1);
  });
});

describe("admin lead list", () => {
  it("searches by lead id, affiliate lead id and email, filters by status and affiliate, and pages 50 leads at a time", { timeout: 90_000 }, async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const base = Date.now() - DAY;
    await prisma.lead.createMany({
      data: Array.from({ length: 51 }, (_, i) => ({
        offerId: offer.id,
        affiliateId: affiliate.actor.companyId,
        externalId: `listed-${affiliate.actor.companyId}-${i}`,
        status: i === 0 ? ("REJECTED" as const) : ("UNSOLD" as const),
        rawFields: {},
        subIds: {},
        emailHash: personHash(`person${i}@example.com`),
        receivedAt: new Date(base + i * 1000),
      })),
    });
    const { cookie } = await signedInAdmin();
    const rowsOf = (text: string) => text.match(/listed-[a-z0-9]+-\d+<\/code>/g) ?? [];

    const first = await html(`/admin/leads?affiliateId=${affiliate.actor.companyId}`, cookie);
    expect(rowsOf(first)).toHaveLength(50);
    expect(first).toContain(`listed-${affiliate.actor.companyId}-50</code>`);
    const next = /href="(\/admin\/leads\?[^"]*cursor=[^"]+)"/.exec(first)?.[1].replace(/&amp;/g, "&");
    const second = await html(next!, cookie);
    expect(rowsOf(second)).toEqual([`listed-${affiliate.actor.companyId}-0</code>`]);

    expect(rowsOf(await html(`/admin/leads?q=listed-${affiliate.actor.companyId}-7`, cookie))).toEqual([`listed-${affiliate.actor.companyId}-7</code>`]);
    expect(rowsOf(await html(`/admin/leads?q=${encodeURIComponent("Person12@Example.com")}`, cookie))).toEqual([
      `listed-${affiliate.actor.companyId}-12</code>`,
    ]);
    const lead = await prisma.lead.findFirstOrThrow({ where: { externalId: `listed-${affiliate.actor.companyId}-3` } });
    expect(rowsOf(await html(`/admin/leads?q=${lead.id}`, cookie))).toEqual([`listed-${affiliate.actor.companyId}-3</code>`]);
    expect(rowsOf(await html(`/admin/leads?affiliateId=${affiliate.actor.companyId}&status=REJECTED`, cookie))).toEqual([
      `listed-${affiliate.actor.companyId}-0</code>`,
    ]);
  });
});

describe("notifications", () => {
  it("the affiliate is told when a return of its lead is approved and when a payout is sent, and can mark them read", { timeout: 90_000 }, async () => {
    const market = await makeMarket(stack());
    const affiliateId = market.affiliate.actor.companyId;
    // Three sold ($25.60 earned each), one returned: $51.20 is paid, over the $50 minimum.
    const sold = [];
    for (let i = 0; i < 3; i++) sold.push(await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id));
    expect(sold.map((l) => l.status)).toEqual(["SOLD", "SOLD", "SOLD"]);
    const returned = sold[0];
    await prisma.order.update({ where: { id: market.order.id }, data: { returnCapBps: 10_000 } });
    const { dispute } = await openReturn(market.buyer.actor, { lead_id: returned.id, reason: "wrong_person" });
    if (dispute.status !== "APPROVED") await respondToDispute(market.affiliate.actor, dispute.id, { response: "accept" });

    await releaseDueEarnings(`release-${randomUUID()}`, new Date(Date.now() + 8 * DAY));
    await startPayoutOnboarding(market.affiliate.actor, market.affiliate.email);
    const accountId = (await prisma.company.findUniqueOrThrow({ where: { id: affiliateId } })).stripeAccountId!;
    await stack().emulator.completeAccountOnboarding(accountId);
    await waitFor("payouts enabled", async () => (await prisma.company.findUniqueOrThrow({ where: { id: affiliateId } })).payoutsEnabled);
    expect(await runPayouts({ key: `test-${randomUUID()}`, trigger: "SCHEDULE", triggeredById: null })).toMatchObject({ paid: 1 });

    const cookie = await signIn(stack().appUrl, market.affiliate.email, market.affiliate.password);
    const list = await page("/notifications", cookie);
    expect(list.text).toContain(`Your lead ${returned.externalId} was returned by its buyer (Wrong person); $25.60 of your earnings on it is taken back.`);
    expect(list.text).toContain("A payout of $51.20 was sent to your bank account");
    expect(list.text.indexOf("A payout of")).toBeLessThan(list.text.indexOf("was returned by its buyer"));

    const payoutNotice = await prisma.userNotice.findFirstOrThrow({ where: { user: { companyId: affiliateId }, kind: "PAYOUT_SENT" } });
    const unreadBefore = (await page("/notifications?unread=1", cookie)).text;
    expect(unreadBefore).toContain("A payout of $51.20");
    expect(await submit(`/notices/${payoutNotice.id}/dismiss`, { redirectTo: "/notifications" }, cookie)).toMatchObject({
      status: 302,
      location: "/notifications",
    });
    expect((await page("/notifications?unread=1", cookie)).text).not.toContain("A payout of $51.20");
    expect((await page("/notifications", cookie)).text).toContain("A payout of $51.20");
    // Someone else's notice is not theirs to dismiss.
    const other = await makeAffiliate();
    const otherCookie = await signIn(stack().appUrl, other.email, other.password);
    expect((await submit(`/notices/${payoutNotice.id}/dismiss`, { redirectTo: "/notifications" }, otherCookie)).status).toBe(404);
  });
});

describe("notice banners", () => {
  it("show the two newest unread notices above every page and point to the rest on /notifications", { timeout: 60_000 }, async () => {
    const affiliate = await makeAffiliate();
    const user = await prisma.user.findFirstOrThrow({ where: { companyId: affiliate.actor.companyId } });
    for (let n = 1; n <= 5; n++) {
      await prisma.userNotice.create({
        data: {
          userId: user.id,
          kind: "MODERATION",
          data: { message: `Moderation note number ${n}.`, targetType: "Company", targetId: affiliate.actor.companyId, href: null },
          createdAt: new Date(Date.now() - (10 - n) * 1000),
        },
      });
    }
    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const dashboard = (await page("/affiliate", cookie)).text;
    expect(dashboard).toContain("Moderation note number 5.");
    expect(dashboard).toContain("Moderation note number 4.");
    expect(dashboard).not.toContain("Moderation note number 3.");
    expect(dashboard).toContain("3 more unread notices: see all");
    const all = (await page("/notifications", cookie)).text;
    for (let n = 1; n <= 5; n++) expect(all).toContain(`Moderation note number ${n}.`);
  });
});

describe("every admin action is audited", () => {
  it("each admin action of the console and the run-now buttons leaves an audit row naming the admin", { timeout: 90_000 }, async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { qualityRules: { acceptScore: 100 } });
    const advertiser = await makeAdvertiser();
    const [toSell, toReject] = [await heldLead(affiliate.apiKey, offer.id), await heldLead(affiliate.apiKey, offer.id)];
    const { admin, cookie } = await signedInAdmin();
    const company = `/admin/companies/${affiliate.actor.companyId}`;
    const offerPath = `/admin/offers/${offer.id}`;
    const actions: Array<[string, Record<string, string>, string]> = [
      [company, { intent: "suspend", reason: "Audit sweep" }, "company.suspended"],
      [company, { intent: "reinstate" }, "company.reinstated"],
      [company, { intent: "note", body: "Audit sweep" }, "company.note.added"],
      [company, { intent: "hold-payouts", reason: "Audit sweep" }, "payouts.held"],
      [company, { intent: "release-payouts" }, "payouts.released"],
      [offerPath, { intent: "unlist", reason: "Audit sweep" }, "offer.unlisted"],
      [offerPath, { intent: "relist" }, "offer.relisted"],
      [offerPath, { intent: "pause", reason: "Audit sweep" }, "offer.paused"],
      [offerPath, { intent: "relist" }, "offer.relisted"],
      ["/admin/review", { leadId: toSell.id, reason: "Audit sweep" }, "lead.review.approved"],
      [`/admin/leads/${toReject.id}`, { decision: "reject", reason: "Audit sweep" }, "lead.review.rejected"],
      ["/admin/payouts", { intent: "run" }, "payouts.run.requested"],
      ["/admin/reconciliation", { intent: "run" }, "conversions.reconciliation.requested"],
      ["/admin/finance", { intent: "run" }, "ledger.reconciliation.requested"],
      [`/admin/billing/${advertiser.actor.companyId}`, { intent: "retry" }, "wallet.refund.retried"],
      ["/admin/suppression", { kind: "EMAIL", lines: `audit-${randomUUID()}@example.test` }, "suppression.added"],
    ];
    for (const [path, form, action] of actions) {
      const answer = await submit(path, form, cookie);
      expect([200, 302], `${action} answered ${answer.status}: ${answer.text.slice(0, 300)}`).toContain(answer.status);
      expect(await auditActions(admin.actor.userId), `after ${action}`).toContain(action);
    }
    expect(await auditActions(admin.actor.userId)).toEqual(actions.map(([, , action]) => action));
  });
});
