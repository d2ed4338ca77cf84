import { describe, expect, it } from "vitest";
import { returnRateFlags } from "~/modules/disputes/admin-disputes.server";
import { respondToDispute } from "~/modules/disputes/dispute-decisions.server";
import { openReturn } from "~/modules/disputes/lead-returns.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin } from "./factories/accounts";
import { getPage, signIn, submitForm, useTestStack } from "./support/app";
import { held, marketWithSoldLeads, returnCosts, wallet } from "./support/disputes";
import { expectLedgerInvariants } from "./support/ledger-invariants";

const stack = useTestStack();
const DAY = 86_400_000;

/** The order may return all of its leads. */
const soldLeads = (count: number) => marketWithSoldLeads(stack(), count, { uncapped: true });

type Market = Awaited<ReturnType<typeof soldLeads>>;

/** The buyer asks to return a lead (with evidence), the seller contests it (with evidence): it waits for an admin. */
async function contested(market: Market, index: number, createdAt?: Date) {
  const { dispute } = await openReturn(market.buyer.actor, {
    lead_id: market.leads[index].id,
    reason: "wrong_person",
    note: `Buyer note ${index}: the person says they never heard of us`,
    evidence_text: `Call log ${index}: 3 calls, wrong name`,
    evidence_file: { name: `call-log-${index}.txt`, contentType: "text/plain", bytes: new TextEncoder().encode("09:00 called, wrong person") },
  });
  await respondToDispute(market.affiliate.actor, dispute.id, {
    response: "contest",
    note: `Seller note ${index}: consent recorded with this name`,
    evidence_url: `https://example.com/consent/${index}`,
  });
  if (createdAt) await prisma.dispute.update({ where: { id: dispute.id }, data: { createdAt } });
  return dispute.id;
}

async function adminCookie() {
  const admin = await makeAdmin();
  return { admin, cookie: await signIn(stack().appUrl, admin.email, admin.password) };
}

async function rawPage(path: string, cookie: string) {
  const response = await fetch(new URL(path, stack().appUrl), { headers: { cookie }, redirect: "manual" });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Where each id first appears in the text (-1 when absent). */
const positions = (text: string, ids: string[]) => ids.map((id) => text.indexOf(id));

describe("the admin's dispute queue", () => {
  it("lists disputes in review oldest first, counts each status, filters in the URL, and is for admins only", async () => {
    const a = await soldLeads(3);
    const b = await soldLeads(1);
    const [bOld, aMiddle, aNew] = [
      await contested(b, 0, new Date(Date.now() - 3 * DAY)),
      await contested(a, 0, new Date(Date.now() - 2 * DAY)),
      await contested(a, 1, new Date(Date.now() - 1 * DAY)),
    ];
    const { dispute: awaiting } = await openReturn(a.buyer.actor, { lead_id: a.leads[2].id, reason: "did_not_request" });
    const { cookie } = await adminCookie();
    const { appUrl } = stack();

    const queue = await getPage(appUrl, "/admin/disputes", cookie);
    expect(queue.status).toBe(200);
    const [first, second, third] = positions(queue.text, [bOld, aMiddle, aNew]);
    expect(first).toBeGreaterThan(-1);
    expect(first).toBeLessThan(second);
    expect(second).toBeLessThan(third);
    expect(queue.text).not.toContain(awaiting.id);
    expect(queue.text).toContain("In admin review (3)");
    expect(queue.text).toContain("Awaiting response (1)");
    // The nav says how many wait for an admin.
    expect(queue.text).toMatch(/ Disputes 3 /);

    const only = async (search: string) => {
      const page = await getPage(appUrl, `/admin/disputes?${search}`, cookie);
      expect(page.status).toBe(200);
      return [bOld, aMiddle, aNew, awaiting.id].filter((id) => page.text.includes(id));
    };
    expect(await only(`buyer=${a.advertiserId}`)).toEqual([aMiddle, aNew]);
    expect(await only(`seller=${b.affiliateId}`)).toEqual([bOld]);
    expect(await only(`offer=${a.offer.id}&status=any`)).toEqual([aMiddle, aNew, awaiting.id]);
    expect(await only("status=AWAITING_RESPONSE")).toEqual([awaiting.id]);
    expect(await only("status=any")).toEqual([bOld, aMiddle, aNew, awaiting.id]);
    expect(await only("kind=CONVERSION_INQUIRY&status=any")).toEqual([]);
    const day = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().slice(0, 10);
    expect(await only(`from=${day(1 * DAY)}`)).toEqual([aNew]);
    expect(await only(`to=${day(3 * DAY)}`)).toEqual([bOld]);
    // A filter that is not one shows the default queue rather than an error.
    expect(await only("status=LOST&kind=nope&from=yesterday")).toEqual([bOld, aMiddle, aNew]);

    // Buyers and sellers are not admins.
    for (const who of [a.buyer, a.affiliate]) {
      const theirs = await signIn(appUrl, who.email, who.password);
      for (const path of ["/admin/disputes", `/admin/disputes/${aNew}`, "/admin/disputes.csv", "/admin/disputes/flags"]) {
        expect((await getPage(appUrl, path, theirs)).status, path).toBe(403);
      }
      expect((await submitForm(appUrl, `/admin/disputes/${aNew}`, { decision: "approve", reason: "mine now" }, theirs)).status).toBe(403);
    }
    expect((await prisma.dispute.findUniqueOrThrow({ where: { id: aNew } })).status).toBe("IN_REVIEW");
  });

  it("a dispute's page shows both sides' notes and evidence, the finding, the lead's checks and timeline, both histories; approving moves the money", async () => {
    const market = await soldLeads(2);
    const earlier = await contested(market, 1, new Date(Date.now() - DAY));
    const disputeId = await contested(market, 0);
    const { admin, cookie } = await adminCookie();
    const { appUrl } = stack();

    const page = await rawPage(`/admin/disputes/${disputeId}`, cookie);
    expect(page.status).toBe(200);
    const { text } = await getPage(appUrl, `/admin/disputes/${disputeId}`, cookie);
    // Both sides.
    expect(text).toContain("Buyer note 0: the person says they never heard of us");
    expect(text).toContain("Call log 0: 3 calls, wrong name");
    expect(text).toContain("Seller note 0: consent recorded with this name");
    expect(text).toContain("https://example.com/consent/0");
    const file = await prisma.disputeEvidence.findFirstOrThrow({ where: { disputeId, fileName: "call-log-0.txt" } });
    expect(page.body).toContain(`href="/disputes/${disputeId}/evidence/${file.id}"`);
    const download = await rawPage(`/disputes/${disputeId}/evidence/${file.id}`, cookie);
    expect(download.status).toBe(200);
    expect(download.body).toBe("09:00 called, wrong person");
    // What the platform found, and the lead's checks and timeline.
    const dispute = await prisma.dispute.findUniqueOrThrow({ where: { id: disputeId } });
    expect(text).toContain("What the platform found");
    expect(text).toContain((dispute.finding as { summary: string }).summary);
    const lead = await prisma.lead.findUniqueOrThrow({ where: { id: market.leads[0].id } });
    const checks = lead.checks as { code: string }[];
    expect(checks.length).toBeGreaterThan(0);
    for (const check of checks) expect(text).toContain(check.code);
    expect(text).toContain(String(lead.qualityScore));
    expect(text).toContain("The lead's timeline");
    // Both companies' return history (2 asked, both open) and the other dispute; this one's history.
    expect(text).toMatch(
      /The buyer's returns .*Returns asked \(30 days\) 2: 0 approved, 0 denied, 2 open .*Approved-return rate \(30 days\) 0% \(0 of 2 CPL sales\)/,
    );
    expect(text).toMatch(/The seller's returned leads .*Returns asked \(30 days\) 2: 0 approved, 0 denied, 2 open/);
    expect(page.body).toContain(`href="/admin/disputes/${earlier}"`);
    expect(text).toMatch(/This dispute's history .*Return asked: Wrong person .*The seller contested it/);
    expect(text).toContain("Approve at the platform's cost");

    // A decision needs a reason.
    const noReason = await submitForm(appUrl, `/admin/disputes/${disputeId}`, { decision: "approve", reason: "" }, cookie);
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("Say why (at least 3 characters)");

    const [walletBefore, heldBefore] = [await wallet(market.advertiserId), await held(market.affiliateId)];
    const approved = await submitForm(appUrl, `/admin/disputes/${disputeId}`, { decision: "approve", reason: "The call log names another person" }, cookie);
    expect(approved).toMatchObject({ status: 302, location: `/admin/disputes/${disputeId}?decided=1` });
    expect(await wallet(market.advertiserId)).toBe(walletBefore + 3_200n);
    expect(await held(market.affiliateId)).toBe(heldBefore - 2_560n);
    expect(await prisma.dispute.findUniqueOrThrow({ where: { id: disputeId } })).toMatchObject({
      status: "APPROVED",
      resolvedBy: "ADMIN",
      decidedById: admin.actor.userId,
      atPlatformCost: false,
    });

    const after = await getPage(appUrl, `/admin/disputes/${disputeId}?decided=1`, cookie);
    expect(after.text).toMatch(
      /Decision recorded\. Return approved \(Wrong person\)\. Approved by an admin: The call log names another person\. \$32\.00 back to the buyer/,
    );
    expect(after.text).toContain("Both the buyer and the seller were told");
    expect(after.text).not.toContain("Approve at the platform's cost");
    expect(after.text).toContain("A decision is final");
    // Both sides were told.
    expect(
      await prisma.userNotice.count({ where: { kind: "DISPUTE", user: { companyId: market.advertiserId }, data: { path: ["disputeId"], equals: disputeId } } }),
    ).toBeGreaterThan(0);
    expect(
      await prisma.userNotice.count({ where: { kind: "DISPUTE", user: { companyId: market.affiliateId }, data: { path: ["disputeId"], equals: disputeId } } }),
    ).toBeGreaterThan(0);
    // Deciding again changes nothing and says why.
    const again = await submitForm(appUrl, `/admin/disputes/${disputeId}`, { decision: "deny", reason: "Second thoughts" }, cookie);
    expect(again.status).toBe(409);
    expect(again.text).toContain("This dispute is already approved: nothing changed");
    await expectLedgerInvariants();
  });

  it("approving at the platform's cost credits the buyer and leaves the seller's earning; denying moves nothing", async () => {
    const market = await soldLeads(2);
    const atCost = await contested(market, 0);
    const denied = await contested(market, 1);
    const { cookie } = await adminCookie();
    const { appUrl } = stack();
    const [walletBefore, heldBefore, costsBefore] = [await wallet(market.advertiserId), await held(market.affiliateId), await returnCosts()];

    const cost = await submitForm(
      appUrl,
      `/admin/disputes/${atCost}`,
      { decision: "approve_at_platform_cost", reason: "Goodwill: CRM merged two records" },
      cookie,
    );
    expect(cost.status).toBe(302);
    expect(await wallet(market.advertiserId)).toBe(walletBefore + 3_200n);
    expect(await held(market.affiliateId)).toBe(heldBefore);
    expect(await returnCosts()).toBe(costsBefore + 2_560n);
    const costPage = await getPage(appUrl, `/admin/disputes/${atCost}?decided=1`, cookie);
    expect(costPage.text).toContain("back to the buyer at the platform's cost; the seller keeps its earning");
    expect(costPage.text).toContain("Approved at the platform's cost");

    const deny = await submitForm(appUrl, `/admin/disputes/${denied}`, { decision: "deny", reason: "The seller's consent record matches" }, cookie);
    expect(deny.status).toBe(302);
    expect(await wallet(market.advertiserId)).toBe(walletBefore + 3_200n);
    expect(await held(market.affiliateId)).toBe(heldBefore);
    const denyPage = await getPage(appUrl, `/admin/disputes/${denied}?decided=1`, cookie);
    expect(denyPage.text).toContain("Decision recorded. Denied by an admin: The seller's consent record matches");
    expect(denyPage.text).toMatch(/Why The seller's consent record matches/);
    expect(await prisma.auditLog.count({ where: { targetType: "Dispute", targetId: denied, action: "dispute.denied" } })).toBe(1);
    await expectLedgerInvariants();
  });
});

describe("returning a lead on a buyer's behalf", () => {
  it("past the window only with the override's reason: an audited return, and the page says what happened", async () => {
    const market = await soldLeads(1);
    const leadId = market.leads[0].id;
    const sale = await prisma.leadSale.findFirstOrThrow({ where: { leadId } });
    const soldAt = new Date(Date.now() - 8 * DAY);
    await prisma.leadSale.update({ where: { id: sale.id }, data: { soldAt } });
    const { admin, cookie } = await adminCookie();
    const { appUrl } = stack();

    const page = await getPage(appUrl, `/admin/leads/${leadId}`, cookie);
    expect(page.text).toContain(`Return for this buyer: ${(await prisma.company.findUniqueOrThrow({ where: { id: market.advertiserId } })).name}`);

    const form = { intent: "return", saleId: sale.id, reason: "wrong_person", note: "Buyer phoned support" };
    const noReason = await submitForm(appUrl, `/admin/leads/${leadId}`, { ...form, reason: "" }, cookie);
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("Choose a reason");
    const late = await submitForm(appUrl, `/admin/leads/${leadId}`, form, cookie);
    expect(late.status).toBe(422);
    expect(late.text).toContain(`closed on ${new Date(soldAt.getTime() + 7 * DAY).toISOString()}`);
    expect(await prisma.dispute.count({ where: { leadId } })).toBe(0);

    const returned = await submitForm(appUrl, `/admin/leads/${leadId}`, { ...form, override_window: "Buyer's CRM was down all week" }, cookie);
    expect(returned.status).toBe(302);
    const dispute = await prisma.dispute.findFirstOrThrow({ where: { leadId } });
    expect(returned.location).toBe(`/admin/leads/${leadId}?returned=${dispute.id}`);
    expect(dispute).toMatchObject({
      saleId: sale.id,
      openedByRole: "ADMIN",
      openedById: admin.actor.userId,
      overrides: { window: "Buyer's CRM was down all week" },
    });
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { targetType: "Dispute", targetId: dispute.id, action: "dispute.opened" } });
    expect(audit.actorId).toBe(admin.actor.userId);
    expect(audit.data).toMatchObject({ overrideWindow: "Buyer's CRM was down all week" });

    const after = await getPage(appUrl, returned.location!, cookie);
    expect(after.text).toContain(`Return ${dispute.id} opened on behalf of`);
    expect(after.text).toContain("the seller was asked to accept or contest it by");
    // The sale has its return: no second form.
    expect(after.text).not.toContain("Return for this buyer:");
    const detail = await getPage(appUrl, `/admin/disputes/${dispute.id}`, cookie);
    const adminName = (await prisma.user.findUniqueOrThrow({ where: { id: admin.actor.userId! } })).name;
    expect(detail.text).toContain(`Opened it (an admin on its behalf: ${adminName})`);
    expect(detail.text).toContain("past the return window (Buyer's CRM was down all week)");
  });
});

describe("exports and flags", () => {
  it("the CSV of decisions honours the filters and gives dollars", async () => {
    const market = await soldLeads(1);
    const other = await soldLeads(1);
    const decided = await contested(market, 0);
    const elsewhere = await contested(other, 0);
    const { admin, cookie } = await adminCookie();
    const { appUrl } = stack();
    await submitForm(appUrl, `/admin/disputes/${decided}`, { decision: "deny", reason: "Consent, matches the name" }, cookie);

    const csv = await rawPage(`/admin/disputes.csv?status=any&buyer=${market.advertiserId}`, cookie);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename="leadex-disputes-all-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = csv.body.trim().split("\r\n");
    expect(lines[0]).toBe("id,kind,lead,offer,buyer,seller,reason,status,resolved by,decided by,decided at,decision reason,at platform's cost,amount,currency");
    expect(lines).toHaveLength(2);
    const adminName = (await prisma.user.findUniqueOrThrow({ where: { id: admin.actor.userId! } })).name;
    expect(lines[1]).toContain(`${decided},Lead return,${market.leads[0].id},`);
    expect(lines[1]).toContain(`,Wrong person,DENIED,ADMIN,${adminName},`);
    expect(lines[1]).toContain(`,"Consent, matches the name",`);
    expect(lines[1]).toMatch(/,32\.00,usd$/);
    expect(csv.body).not.toContain(elsewhere);
    // The default filter (in review) leaves the decided one out.
    expect((await rawPage(`/admin/disputes.csv?buyer=${market.advertiserId}`, cookie)).body.trim().split("\r\n")).toHaveLength(1);
  });

  it("flags buyers and sellers far above their peers' approved-return rate, with the figures", async () => {
    const { admin, cookie } = await adminCookie();
    const page = await getPage(stack().appUrl, "/admin/disputes/flags", cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain("is flagged when its approved-return rate is at least 2× the median");
    expect(page.text).toContain("at least 5 percentage points above it");

    // The figures come from the sales and approved returns of the last 30 days: with a rule that judges
    // every company here, the buyer that had one of its two leads returned at the platform's cost stands out.
    const market = await soldLeads(2);
    const disputeId = await contested(market, 0);
    await submitForm(stack().appUrl, `/admin/disputes/${disputeId}`, { decision: "approve", reason: "Wrong person on the call log" }, cookie);
    const flags = await returnRateFlags(admin.actor, { rule: { minSales: 1, minPeers: 2, minTimesMedian: 2, minBpsAboveMedian: 500 } });
    const buyer = flags.buyers.flags.find((f) => f.companyId === market.advertiserId);
    expect(buyer).toMatchObject({ sales: 2, returns: 1, rateBps: 5_000 });
    expect(buyer!.medianBps).toBeLessThanOrEqual(2_500);
    const seller = flags.sellers.flags.find((f) => f.companyId === market.affiliateId);
    expect(seller).toMatchObject({ sales: 2, returns: 1, rateBps: 5_000 });
    await expectLedgerInvariants();
  });
});
