import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { getPage, signIn, submitAndOpen, useTestStack, visibleText } from "./support/app";
import { deliveredLead, makeConversionMarket } from "./support/conversions";
import { marketWithSoldLeads, wallet } from "./support/disputes";
import { expectLedgerInvariants } from "./support/ledger-invariants";

// What a buyer does with returns, over HTTP against the real app: the returns API (one, a list,
// reading them back) and the portal (the lead's form with an evidence file, "Return selected",
// the CSV upload, the dispute page), each refusal as the buyer reads it.

const stack = useTestStack();
const DAY = 86_400_000;

/** A market ($32 a lead) with `count` leads sold to its buyer, whose order may return all of them, and the buyer signed in. */
async function soldLeads(count: number, { uncapped = true } = {}) {
  const market = await marketWithSoldLeads(stack(), count, { uncapped });
  return { ...market, cookie: await signIn(stack().appUrl, market.buyer.email, market.buyer.password) };
}

async function api(apiKey: string, path: string, body?: unknown, { form = false } = {}): Promise<{ status: number; body: any }> {
  const init: RequestInit = { headers: { authorization: `Bearer ${apiKey}` } };
  if (body !== undefined) {
    init.method = "POST";
    init.headers = {
      ...init.headers,
      "content-type": form ? "application/x-www-form-urlencoded" : "application/json",
    };
    init.body = form ? new URLSearchParams(body as Record<string, string>) : JSON.stringify(body);
  }
  const response = await fetch(new URL(path, stack().appUrl), init);
  return { status: response.status, body: await response.json() };
}

/** Posts a multipart form (a file input) as a browser without JavaScript does. */
async function postMultipart(path: string, cookie: string, fields: Record<string, string | { name: string; type: string; content: string }>) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === "string") form.append(key, value);
    else form.append(key, new Blob([value.content], { type: value.type }), value.name);
  }
  const response = await fetch(new URL(path, stack().appUrl), {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: { cookie, origin: stack().appUrl },
  });
  return { status: response.status, text: visibleText(await response.text()) };
}

async function postForm(path: string, cookie: string, fields: Array<[string, string]>) {
  const response = await fetch(new URL(path, stack().appUrl), {
    method: "POST",
    body: new URLSearchParams(fields),
    redirect: "manual",
    headers: { cookie, origin: stack().appUrl, "content-type": "application/x-www-form-urlencoded" },
  });
  return { status: response.status, text: visibleText(await response.text()) };
}

describe("the returns API", () => {
  it("a return the platform can prove is approved at once: 201 with the proof and the amount credited, and the money is back", async () => {
    const { leads, buyer, advertiserId } = await soldLeads(1);
    await prisma.lead.update({ where: { id: leads[0].id }, data: { phone: "+1555" } });
    const before = await wallet(advertiserId);
    const answer = await api(buyer.apiKey, "/api/v1/returns", { lead_id: leads[0].id, reason: "invalid_phone", note: "Does not ring" });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toMatchObject({
      lead_id: leads[0].id,
      outcome: "approved",
      status: "approved",
      reason: "invalid_phone",
      reason_label: "Invalid or disconnected phone",
      note: "Does not ring",
      finding: { verdict: "proven", summary: expect.stringContaining("+1555"), facts: expect.any(Array) },
      amount_credited: "32.00",
      currency: "usd",
      decision: { resolved_by: "evidence", at_platform_cost: false },
      message: expect.stringContaining("$32.00 is back in your wallet"),
    });
    expect(await wallet(advertiserId)).toBe(before + 3_200n);
    const read = await api(buyer.apiKey, `/api/v1/returns/${answer.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: answer.body.id, status: "approved", amount_credited: "32.00" });
    await expectLedgerInvariants();
  });

  it("a return the platform cannot prove goes to the seller with what it found and the deadline (a form body too)", async () => {
    const { leads, buyer, advertiserId } = await soldLeads(1);
    const before = await wallet(advertiserId);
    const answer = await api(
      buyer.apiKey,
      "/api/v1/returns",
      { lead_id: leads[0].id, reason: "wrong_person", evidence_url: "https://crm.example.com/calls/1" },
      { form: true },
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toMatchObject({ outcome: "awaiting_response", status: "awaiting_response", amount_credited: null, decision: null });
    expect(new Date(answer.body.response_due_at).getTime()).toBeGreaterThan(Date.now() + 71 * 3_600_000);
    expect(answer.body.message).toContain("Sent to the seller");
    expect(await wallet(advertiserId)).toBe(before);
    expect(await prisma.disputeEvidence.count({ where: { disputeId: answer.body.id, url: "https://crm.example.com/calls/1" } })).toBe(1);
  });

  it("refuses each return that is not one with its code, its status and the field or figures", async () => {
    const { leads, buyer, order, affiliate } = await soldLeads(3, { uncapped: false });
    const post = (body: unknown) => api(buyer.apiKey, "/api/v1/returns", body);

    const notReturnable = await post({ lead_id: leads[0].id, reason: "did_not_convert" });
    expect(notReturnable.status).toBe(422);
    expect(notReturnable.body.error).toMatchObject({ code: "reason_not_returnable", fields: { reason: expect.stringContaining("not a bad lead") } });

    const unknown = await post({ lead_id: leads[0].id, reason: "too_expensive" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: "invalid_fields", fields: { reason: expect.stringContaining("invalid_phone") } });

    const other = await makeAdvertiser();
    const notBought = await api(other.apiKey, "/api/v1/returns", { lead_id: leads[0].id, reason: "wrong_person" });
    expect(notBought.status).toBe(404);
    expect(notBought.body.error).toMatchObject({ code: "unknown_lead", fields: { lead_id: expect.any(String) } });

    const affiliateKey = await api(affiliate.apiKey, "/api/v1/returns", { lead_id: leads[0].id, reason: "wrong_person" });
    expect(affiliateKey.status).toBe(403);

    const first = await post({ lead_id: leads[0].id, reason: "wrong_person" });
    expect(first.status).toBe(201);
    const again = await post({ lead_id: leads[0].id, reason: "duplicate" });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "return_exists", existing_return_id: first.body.id });

    // Cap: three bought, 15% allows one, and one is asked.
    const capped = await post({ lead_id: leads[1].id, reason: "wrong_person" });
    expect(capped.status).toBe(422);
    expect(capped.body.error.code).toBe("return_cap_reached");
    expect(capped.body.error.message).toContain("This order has 1 return of the 3 leads it bought in the last 30 days (33.3%); its cap is 15% (1 return)");

    // Window: bought 8 days ago on a 7-day window.
    await prisma.order.update({ where: { id: order.id }, data: { returnCapBps: 10_000 } });
    const soldAt = new Date(Date.now() - 8 * DAY);
    await prisma.leadSale.updateMany({ where: { leadId: leads[2].id }, data: { soldAt } });
    const late = await post({ lead_id: leads[2].id, reason: "wrong_person" });
    expect(late.status).toBe(422);
    expect(late.body.error).toMatchObject({ code: "return_window_closed", fields: { lead_id: expect.any(String) } });
    expect(late.body.error.message).toContain(new Date(soldAt.getTime() + 7 * DAY).toISOString());

    // CPA: nothing was charged for the lead.
    const cpa = await makeConversionMarket(stack());
    const cpaLead = await deliveredLead(stack(), cpa);
    const pricing = await api(cpa.buyer.apiKey, "/api/v1/returns", { lead_id: cpaLead.id, reason: "wrong_person" });
    expect(pricing.status).toBe(409);
    expect(pricing.body.error.code).toBe("not_returnable_pricing");
  });

  it("a list of returns answers a result per item, in order; a refused item does not stop the others", async () => {
    const { leads, buyer, advertiserId } = await soldLeads(3);
    await prisma.lead.update({ where: { id: leads[1].id }, data: { phone: null } });
    const before = await wallet(advertiserId);
    const answer = await api(buyer.apiKey, "/api/v1/returns", {
      returns: [
        { lead_id: leads[0].id, reason: "wrong_person" },
        { lead_id: leads[1].id, reason: "invalid_phone" },
        { lead_id: leads[0].id, reason: "duplicate" },
        { lead_id: "no-such-lead", reason: "wrong_person" },
        { lead_id: leads[2].id, reason: "not_interested" },
        "not an object",
      ],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ created: 2, refused: 4 });
    const results = answer.body.results;
    expect(results.map((r: any) => [r.index, r.result, r.code])).toEqual([
      [0, "created", "awaiting_response"],
      [1, "created", "approved"],
      [2, "refused", "return_exists"],
      [3, "refused", "unknown_lead"],
      [4, "refused", "reason_not_returnable"],
      [5, "refused", "invalid_fields"],
    ]);
    expect(results[2].return_id).toBe(results[0].return_id);
    expect(results[3]).toMatchObject({ lead_id: "no-such-lead", return_id: null, message: expect.stringContaining("no-such-lead") });
    expect(await wallet(advertiserId)).toBe(before + 3_200n);

    const tooMany = await api(buyer.apiKey, "/api/v1/returns", { returns: Array.from({ length: 501 }, () => ({ lead_id: "x", reason: "duplicate" })) });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.fields.returns).toContain("At most 500");
    await expectLedgerInvariants();
  });

  it("lists the advertiser's returns with filters and a cursor; another advertiser's return is not found", async () => {
    const { leads, buyer } = await soldLeads(3);
    const ids: string[] = [];
    for (const lead of leads) ids.push((await api(buyer.apiKey, "/api/v1/returns", { lead_id: lead.id, reason: "wrong_person" })).body.id);
    await prisma.dispute.update({ where: { id: ids[0] }, data: { status: "WITHDRAWN" } });

    const all = await api(buyer.apiKey, "/api/v1/returns");
    expect(all.status).toBe(200);
    expect(all.body.returns.map((r: any) => r.id)).toEqual([...ids].reverse());
    expect(all.body.next_cursor).toBeNull();

    const first = await api(buyer.apiKey, "/api/v1/returns?limit=2");
    expect(first.body.returns).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await api(buyer.apiKey, `/api/v1/returns?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.returns.map((r: any) => r.id)).toEqual([ids[0]]);
    expect(second.body.next_cursor).toBeNull();

    expect((await api(buyer.apiKey, "/api/v1/returns?status=withdrawn")).body.returns.map((r: any) => r.id)).toEqual([ids[0]]);
    expect((await api(buyer.apiKey, `/api/v1/returns?lead_id=${leads[1].id}`)).body.returns.map((r: any) => r.id)).toEqual([ids[1]]);
    expect((await api(buyer.apiKey, `/api/v1/returns?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.returns).toEqual([]);
    const bad = await api(buyer.apiKey, "/api/v1/returns?status=lost");
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toHaveProperty("status");

    const other = await makeAdvertiser();
    expect((await api(other.apiKey, `/api/v1/returns/${ids[1]}`)).status).toBe(404);
    expect((await api(other.apiKey, "/api/v1/returns")).body.returns).toEqual([]);
    const affiliate = await makeAffiliate();
    expect((await api(affiliate.apiKey, "/api/v1/returns")).status).toBe(403);
  });
});

describe("returns in the advertiser portal", () => {
  it("the lead's page returns it with an evidence file and says what happened; the dispute page shows the evidence and history", async () => {
    const { leads, cookie, buyer } = await soldLeads(2);
    const page = await getPage(stack().appUrl, `/advertiser/leads/${leads[0].id}`, cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Return this lead");
    expect(page.text).toContain("You may ask until");

    // A file that is no evidence type is refused, naming the file.
    const wrongType = await postMultipart(`/advertiser/leads/${leads[0].id}`, cookie, {
      reason: "wrong_person",
      evidence_file: { name: "tool.exe", type: "application/x-msdownload", content: "MZ" },
    });
    expect(wrongType.status).toBe(422);
    expect(wrongType.text).toContain("Evidence files may be PDF, an image, text, CSV or audio");
    const noReason = await postMultipart(`/advertiser/leads/${leads[0].id}`, cookie, { reason: "" });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain("Required");
    const notAReason = await postMultipart(`/advertiser/leads/${leads[0].id}`, cookie, { reason: "did_not_convert" });
    expect(notAReason.status).toBe(422);
    expect(notAReason.text).toContain("A lead that did not convert is not a bad lead");

    const done = await postMultipart(`/advertiser/leads/${leads[0].id}`, cookie, {
      reason: "wrong_person",
      note: "Answered by someone else",
      evidence_text: "Call at 14:05, two minutes",
      evidence_url: "https://crm.example.com/calls/9",
      evidence_file: { name: "call-log.txt", type: "text/plain", content: "14:05 wrong person" },
    });
    expect(done.status).toBe(200);
    expect(done.text).toContain("Sent to the seller. What the platform found:");
    expect(done.text).toContain("to accept or contest");
    const dispute = await prisma.dispute.findFirstOrThrow({ where: { leadId: leads[0].id }, include: { evidence: true } });
    expect(dispute.evidence).toHaveLength(1);
    expect(dispute.evidence[0]).toMatchObject({ fileName: "call-log.txt", contentType: "text/plain", sizeBytes: 18, text: "Call at 14:05, two minutes" });

    const again = await getPage(stack().appUrl, `/advertiser/leads/${leads[0].id}`, cookie);
    expect(again.text).toContain("Awaiting response");
    expect(again.text).toContain("Open the return");
    expect(again.text).not.toContain("You may ask until");

    const detail = await getPage(stack().appUrl, `/advertiser/disputes/${dispute.id}`, cookie);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain("Lead return: Wrong person");
    expect(detail.text).toContain("Answered by someone else");
    expect(detail.text).toContain("call-log.txt");
    expect(detail.text).toMatch(/Affiliate [0-9A-F]{6}/);
    expect(detail.text).toContain('Return asked: Wrong person ("Answered by someone else")');
    const seller = await prisma.company.findUniqueOrThrow({ where: { id: dispute.affiliateId } });
    expect(detail.text).not.toContain(seller.name);
    const file = await fetch(new URL(`/disputes/${dispute.id}/evidence/${dispute.evidence[0].id}`, stack().appUrl), { headers: { cookie } });
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("14:05 wrong person");

    // Another advertiser cannot see it, nor withdraw it.
    const other = await makeAdvertiser();
    const otherCookie = await signIn(stack().appUrl, other.email, other.password);
    expect((await getPage(stack().appUrl, `/advertiser/disputes/${dispute.id}`, otherCookie)).status).toBe(404);
    expect((await postForm(`/advertiser/disputes/${dispute.id}`, otherCookie, [["intent", "withdraw"]])).status).toBe(404);
    expect((await prisma.dispute.findUniqueOrThrow({ where: { id: dispute.id } })).status).toBe("AWAITING_RESPONSE");

    // Its buyer withdraws it; doing it twice says it is no longer open.
    const withdrawn = await submitAndOpen(stack().appUrl, `/advertiser/disputes/${dispute.id}`, { intent: "withdraw" }, cookie);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.text).toContain("Withdrawn: nothing is charged or credited");
    expect(withdrawn.text).toContain("Withdrawn by the side that opened it");
    const twice = await postForm(`/advertiser/disputes/${dispute.id}`, cookie, [["intent", "withdraw"]]);
    expect(twice.status).toBe(409);
    expect(twice.text).toContain("already withdrawn");

    // A proven return is approved at once with the proof and the amount.
    await prisma.lead.update({ where: { id: leads[1].id }, data: { phone: "+1555" } });
    const approved = await postMultipart(`/advertiser/leads/${leads[1].id}`, cookie, { reason: "invalid_phone" });
    expect(approved.status).toBe(200);
    expect(approved.text).toContain("Approved at once by the platform's evidence");
    expect(approved.text).toContain("$32.00 is back in your wallet");
    expect(buyer.actor.companyId).toBeTruthy();
    await expectLedgerInvariants();
  });

  it("'Return selected' on the leads list returns each checked lead and shows each one's result", async () => {
    const { leads, cookie } = await soldLeads(3);
    await prisma.leadSale.updateMany({ where: { leadId: leads[2].id }, data: { soldAt: new Date(Date.now() - 8 * DAY) } });
    const list = await getPage(stack().appUrl, "/advertiser/leads", cookie);
    expect(list.text).toContain("Return selected");

    const none = await postForm("/advertiser/leads", cookie, [["reason", "duplicate"]]);
    expect(none.status).toBe(400);
    expect(none.text).toContain("Select the leads to return");

    const answer = await postForm("/advertiser/leads", cookie, [
      ["reason", "duplicate"],
      ["note", "Same people as last week"],
      ["lead_id", leads[0].id],
      ["lead_id", leads[1].id],
      ["lead_id", leads[2].id],
    ]);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("2 of 3 returns asked, 1 refused");
    expect(answer.text).toContain("The return window of lead");
    expect(await prisma.dispute.count({ where: { leadId: { in: leads.map((l) => l.id) }, note: "Same people as last week" } })).toBe(2);
  });

  it("a CSV upload asks each row and reports each row's result; the list filters and exports", async () => {
    const { leads, cookie, offer } = await soldLeads(3);
    const csv = [
      "lead_id,reason,note,evidence_url",
      `${leads[0].id},wrong_person,Not him,https://crm.example.com/1`,
      `${leads[1].id},did_not_convert,,`,
      "",
      `no-such-lead,duplicate,,`,
      `${leads[0].id},duplicate,,`,
      `${leads[2].id},under_age,Says 16,`,
    ].join("\n");
    const upload = await postMultipart("/advertiser/returns", cookie, { file: { name: "returns.csv", type: "text/csv", content: csv } });
    expect(upload.status).toBe(200);
    expect(upload.text).toContain("2 of 5 returns asked, 3 refused");
    const rows = [...upload.text.matchAll(/(\d+) (\S+) (created: sent to the seller|created: approved|refused)/g)].map((m) => [Number(m[1]), m[2], m[3]]);
    expect(rows).toEqual([
      [2, leads[0].id, "created: sent to the seller"],
      [3, leads[1].id, "refused"],
      [5, "no-such-lead", "refused"],
      [6, leads[0].id, "refused"],
      [7, leads[2].id, "created: sent to the seller"],
    ]);
    expect(upload.text).toContain("No lead no-such-lead among the leads you bought");

    const badHeader = await postMultipart("/advertiser/returns", cookie, { file: { name: "r.csv", type: "text/csv", content: "id,why\n1,2\n" } });
    expect(badHeader.status).toBe(422);
    expect(badHeader.text).toContain("missing lead_id, reason");

    const list = await getPage(stack().appUrl, `/advertiser/returns?offerId=${offer.id}&status=AWAITING_RESPONSE`, cookie);
    expect(list.status).toBe(200);
    expect(list.text).toContain(leads[0].id);
    expect(list.text).toContain(leads[2].id);
    const exported = await fetch(new URL(`/advertiser/returns.csv?offerId=${offer.id}`, stack().appUrl), { headers: { cookie } });
    expect(exported.headers.get("content-type")).toContain("text/csv");
    const lines = (await exported.text()).trim().split("\r\n");
    expect(lines[0]).toContain("return_id,lead_id,offer,reason,note,status");
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes(leads[2].id) && l.includes("under_age") && l.includes("awaiting_response"))).toBe(true);
    const template = await fetch(new URL("/advertiser/returns/template.csv", stack().appUrl), { headers: { cookie } });
    expect(await template.text()).toMatch(/^lead_id,reason,note,evidence_url\r\n/);
  });
});
