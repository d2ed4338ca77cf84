import { describe, expect, it } from "vitest";
import { lockDueConversions } from "~/modules/conversions/conversion-billing.server";
import { prisma } from "~/utils/db.server";
import { makeAffiliate } from "./factories/accounts";
import { getPage, signIn, submitAndFollow, submitForm, useTestStack, visibleText } from "./support/app";
import { deliveredLead, makeConversionMarket, postConversion, settledConversion } from "./support/conversions";
import { conversionMarketWithLead } from "./support/disputes";
import { expectLedgerInvariants } from "./support/ledger-invariants";

const stack = useTestStack({ workers: true });

async function api(apiKey: string, method: "GET" | "POST", path: string, body?: Record<string, unknown>, form = false) {
  const response = await fetch(new URL(path, stack().appUrl), {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body ? { "content-type": form ? "application/x-www-form-urlencoded" : "application/json" } : {}),
    },
    body: body ? (form ? new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString() : JSON.stringify(body)) : undefined,
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** A CPA market with one delivered lead and one billed, locked conversion on it. */
async function marketWithLockedConversion() {
  const { lead, ...market } = await conversionMarketWithLead(stack());
  const answer = await postConversion(stack().appUrl, market.buyer.apiKey, { lead_id: lead.id, conversion_id: "loan-1", event: "funded" });
  expect(answer.status).toBe(202);
  const conversion = await settledConversion(answer.body.leadex_conversion_id);
  await prisma.conversion.update({ where: { id: conversion.id }, data: { lockAt: new Date(Date.now() - 1000) } });
  await lockDueConversions();
  return { ...market, lead, conversion };
}

describe("conversion inquiries and disputes over HTTP", () => {
  it("an affiliate asks by API, the advertiser lists and confirms it, either party reads it, nobody else does", async () => {
    const { affiliate, buyer, lead } = await marketWithLockedConversion();
    const claim = {
      lead_id: lead.id,
      reason: "missing",
      event: "application",
      occurred_at: new Date().toISOString(),
      order_ref: "app-9",
      note: "Applied on the phone",
    };

    expect((await api(buyer.apiKey, "POST", "/api/v1/conversion-inquiries", claim)).status).toBe(403);
    const bad = await api(affiliate.apiKey, "POST", "/api/v1/conversion-inquiries", { ...claim, reason: "lost", expected_payout: "lots" });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({
      code: "invalid_fields",
      fields: { reason: expect.stringContaining("missing"), expected_payout: expect.any(String) },
    });
    const stale = await api(affiliate.apiKey, "POST", "/api/v1/conversion-inquiries", { ...claim, occurred_at: "2020-01-01" });
    expect(stale).toMatchObject({
      status: 422,
      body: { error: { code: "inquiry_window_closed", fields: { occurred_at: expect.stringContaining("90 days") } } },
    });

    const opened = await api(affiliate.apiKey, "POST", "/api/v1/conversion-inquiries", claim, true);
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body).toMatchObject({
      kind: "conversion_inquiry",
      status: "awaiting_response",
      reason_code: "missing",
      lead_id: lead.id,
      claim: { event: "application", order_ref: "app-9" },
      awaiting_your_answer: false,
      answers: [],
      finding: { summary: expect.stringContaining("1 conversion was tracked") },
    });
    const id = opened.body.dispute_id;
    const again = await api(affiliate.apiKey, "POST", "/api/v1/conversion-inquiries", claim);
    expect(again).toMatchObject({ status: 409, body: { error: { code: "inquiry_exists", message: expect.stringContaining(id) } } });

    const mine = await api(affiliate.apiKey, "GET", "/api/v1/conversion-inquiries?status=awaiting_response");
    expect(mine.body.inquiries.map((i: { dispute_id: string }) => i.dispute_id)).toEqual([id]);
    const toAnswer = await api(buyer.apiKey, "GET", "/api/v1/conversion-inquiries");
    expect(toAnswer.body).toMatchObject({ inquiries: [{ dispute_id: id, awaiting_your_answer: true }], next_cursor: null });
    expect((await api(buyer.apiKey, "GET", "/api/v1/conversion-inquiries?status=approved")).body.inquiries).toEqual([]);
    expect((await api(buyer.apiKey, "GET", "/api/v1/conversion-inquiries?cursor=nonsense")).status).toBe(422);
    const stranger = await makeAffiliate();
    expect((await api(stranger.apiKey, "GET", `/api/v1/disputes/${id}`)).status).toBe(404);
    expect((await api(stranger.apiKey, "GET", "/api/v1/conversion-inquiries")).body.inquiries).toEqual([]);

    // The affiliate cannot answer its own inquiry; the advertiser confirms it.
    expect((await api(affiliate.apiKey, "POST", `/api/v1/disputes/${id}/response`, { response: "confirm" })).status).toBe(403);
    const wrongWord = await api(buyer.apiKey, "POST", `/api/v1/disputes/${id}/response`, { response: "accept" });
    expect(wrongWord).toMatchObject({ status: 422, body: { error: { fields: { response: "Answer confirm or decline" } } } });
    const confirmed = await api(buyer.apiKey, "POST", `/api/v1/disputes/${id}/response`, { response: "confirm", evidence_text: "Found in the CRM" });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({
      status: "approved",
      response: { answer: "confirm" },
      decision: { resolved_by: "respondent" },
      conversion_id: expect.any(String),
    });
    expect((await api(buyer.apiKey, "POST", `/api/v1/disputes/${id}/response`, { response: "confirm" })).body.error.code).toBe("dispute_not_open");
    const read = await api(affiliate.apiKey, "GET", `/api/v1/disputes/${id}`);
    expect(read.body.evidence.map((e: { side: string; text: string }) => [e.side, e.text])).toEqual([["respondent", "Found in the CRM"]]);
    expect(await prisma.conversion.count({ where: { leadId: lead.id, source: "INQUIRY" } })).toBe(1);

    // A second claim, withdrawn by the affiliate (not by the advertiser).
    const second = await api(affiliate.apiKey, "POST", "/api/v1/conversion-inquiries", { ...claim, order_ref: "app-10" });
    expect(second.status).toBe(201);
    expect((await api(buyer.apiKey, "POST", `/api/v1/disputes/${second.body.dispute_id}/withdraw`)).status).toBe(403);
    expect((await api(affiliate.apiKey, "POST", `/api/v1/disputes/${second.body.dispute_id}/withdraw`)).body).toMatchObject({ status: "withdrawn" });
    expect((await fetch(new URL(`/api/v1/disputes/${id}/withdraw`, stack().appUrl), { headers: { authorization: `Bearer ${affiliate.apiKey}` } })).status).toBe(
      405,
    );
    await expectLedgerInvariants();
  });

  it("an advertiser disputes a locked conversion by API; the affiliate contests it on its portal page", async () => {
    const { affiliate, buyer, lead, conversion } = await marketWithLockedConversion();
    expect((await api(affiliate.apiKey, "POST", "/api/v1/conversion-disputes", { conversion_id: "loan-1", reason: "fraud" })).status).toBe(403);
    const badReason = await api(buyer.apiKey, "POST", "/api/v1/conversion-disputes", { conversion_id: "loan-1", reason: "did_not_like_it" });
    expect(badReason).toMatchObject({ status: 422, body: { error: { fields: { reason: expect.stringContaining("refunded") } } } });
    const opened = await api(buyer.apiKey, "POST", "/api/v1/conversion-disputes", {
      conversion_id: "loan-1",
      reason: "chargeback",
      note: "The card was reported stolen",
      evidence_url: "https://example.com/chargeback/1",
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body).toMatchObject({ kind: "conversion_dispute", status: "awaiting_response", conversion_id: conversion.id });
    const id = opened.body.dispute_id;

    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const list = await getPage(stack().appUrl, "/affiliate/disputes", cookie);
    expect(list.status).toBe(200);
    expect(list.text).toContain("Conversion dispute");
    expect(list.text).toContain("Waiting for your answer");
    expect(list.text).toMatch(/Disputes 1 /);
    expect(list.text).not.toContain(buyer.email);
    const filtered = await getPage(stack().appUrl, "/affiliate/disputes?status=approved&kind=lead_return", cookie);
    expect(filtered.text).toContain("No disputes match these filters");

    const page = await getPage(stack().appUrl, `/affiliate/disputes/${id}`, cookie);
    expect(page.status).toBe(200);
    for (const words of [
      "Chargeback",
      "The card was reported stolen",
      "https://example.com/chargeback/1",
      "What the platform found",
      "Locked since",
      "Your answer",
    ]) {
      expect(page.text).toContain(words);
    }
    const other = await makeAffiliate();
    expect((await getPage(stack().appUrl, `/affiliate/disputes/${id}`, await signIn(stack().appUrl, other.email, other.password))).status).toBe(404);

    const noNote = await submitForm(stack().appUrl, `/affiliate/disputes/${id}`, { intent: "answer", response: "contest" }, cookie);
    expect(noNote.status).toBe(422);
    expect(noNote.text).toContain("Say why you contest it");
    // A browser sends the form as multipart, with the evidence file.
    const form = new FormData();
    form.set("intent", "answer");
    form.set("response", "contest");
    form.set("note", "The buyer verified the card with 3-D Secure");
    form.set("evidence_file", new Blob(["3DS log: authenticated"], { type: "text/plain" }), "3ds.txt");
    const contested = await fetch(new URL(`/affiliate/disputes/${id}`, stack().appUrl), {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: stack().appUrl },
      body: form,
    });
    expect(contested.status).toBe(302);
    const flash = (contested.headers.get("set-cookie") ?? "").split(";")[0];
    const contestedPage = await getPage(stack().appUrl, contested.headers.get("location")!, `${cookie}; ${flash}`);
    expect(contestedPage.text).toContain("You contested it: an admin decides");
    expect(await prisma.dispute.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "IN_REVIEW", response: "contest" });
    const file = await prisma.disputeEvidence.findFirstOrThrow({ where: { disputeId: id, side: "respondent" } });
    expect(file).toMatchObject({ fileName: "3ds.txt", contentType: "text/plain", sizeBytes: 22 });
    const after = await getPage(stack().appUrl, `/affiliate/disputes/${id}`, cookie);
    expect(after.text).toContain("3ds.txt");
    expect(after.text).not.toContain("Your answer");
    expect(lead.id).toBeTruthy();
  });

  it("the inquiry page opens one inquiry, and a CSV of them with each row's result", async () => {
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);
    const cookie = await signIn(stack().appUrl, market.affiliate.email, market.affiliate.password);
    const blank = await getPage(stack().appUrl, `/affiliate/inquiries/new?lead=${lead.id}`, cookie);
    expect(blank.status).toBe(200);
    expect(blank.text).toContain("Ask about a missing conversion");

    const notMine = await submitForm(stack().appUrl, "/affiliate/inquiries/new", { intent: "inquiry", lead_id: "not-a-lead", reason: "missing" }, cookie);
    expect(notMine.status).toBe(404);
    expect(notMine.text).toContain("Not one of your leads");
    // A minute ahead: the form takes minutes, and a conversion in the minute of delivery would read as before it.
    const when = new Date(Date.now() + 60_000).toISOString().slice(0, 16);
    const opened = await submitAndFollow(
      stack().appUrl,
      "/affiliate/inquiries/new",
      { intent: "inquiry", lead_id: lead.id, reason: "missing", event: "funded", occurred_at: when, note: "Funded last week" },
      cookie,
    );
    expect(opened.status).toBe(303);
    expect(opened.location).toMatch(/^\/affiliate\/disputes\/\w+$/);
    expect(opened.text).toContain("Your inquiry is open");
    expect(opened.text).toContain("Withdraw this inquiry");

    const csv = new FormData();
    csv.set("intent", "csv");
    csv.set(
      "csv_file",
      new Blob([`lead_id,reason,event,occurred_at,order_ref\n${lead.id},missing,application,${when},csv-1\nnot-a-lead,missing,funded,${when},csv-2\n`], {
        type: "text/csv",
      }),
      "inquiries.csv",
    );
    const uploaded = await fetch(new URL("/affiliate/inquiries/new", stack().appUrl), {
      method: "POST",
      headers: { cookie, origin: stack().appUrl },
      body: csv,
    });
    expect(uploaded.status).toBe(200);
    const text = visibleText(await uploaded.text());
    expect(text).toContain("1 of 2 rows opened an inquiry");
    expect(text).toContain("lead_not_found");
    expect(await prisma.dispute.count({ where: { leadId: lead.id, kind: "CONVERSION_INQUIRY" } })).toBe(2);
  });
});
