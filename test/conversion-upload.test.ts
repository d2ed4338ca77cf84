import { describe, expect, it } from "vitest";
import { MAX_UPLOAD_ROWS } from "~/modules/conversions/conversion-upload-format";
import { parseCsv } from "~/modules/deliveries/csv";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser } from "./factories/accounts";
import { getPage, signIn, submitAndOpen, submitForm, useTestStack, visibleText } from "./support/app";
import { deliveredLead, makeConversionMarket, postConversion, settledConversion } from "./support/conversions";
import { expectLedgerInvariants } from "./support/ledger-invariants";
import { waitFor } from "./support/wait";

// The advertiser's conversions in the portal: CSV uploads (checked before anything is posted,
// then posted by the worker, with a report of every row) and the advertiser's own decisions
// (approve, reject with a reason) and corrections on pending and held conversions.

const stack = useTestStack({ workers: true });
const wallet = (id: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(id, "usd"));
const held = (id: string) => balanceCents(prisma, ledgerAccounts.affiliateHeld(id, "usd"));
const cps = { pricingModel: "CPS" as const, priceCents: 0, salePercentBps: 1250, conversionEvents: [] };

const csvOf = (rows: string[][]) => rows.map((r) => r.join(",")).join("\r\n") + "\r\n";

/** Uploads a CSV through the upload form, as a browser sends it (multipart, with its length). */
async function uploadCsv(cookie: string, csv: string, fileName = "conversions.csv") {
  const form = new FormData();
  form.set("file", new Blob([csv], { type: "text/csv" }), fileName);
  const response = await fetch(new URL("/advertiser/conversions/upload", stack().appUrl), {
    method: "POST",
    body: form,
    headers: { cookie, origin: stack().appUrl },
    redirect: "manual",
  });
  const location = response.headers.get("location");
  return { status: response.status, location, uploadId: location?.split("/").pop() ?? null, text: visibleText(await response.text()) };
}

async function finishedUpload(uploadId: string) {
  return waitFor(`upload ${uploadId} to finish`, async () => {
    const upload = await prisma.conversionUpload.findUniqueOrThrow({ where: { id: uploadId } });
    return upload.status === "DONE" || upload.status === "FAILED" ? upload : undefined;
  });
}

/** The upload's report as the advertiser downloads it, one object per row. */
async function downloadReport(cookie: string, uploadId: string) {
  const response = await fetch(new URL(`/advertiser/conversions/upload/${uploadId}/report.csv`, stack().appUrl), { headers: { cookie } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="leadex-conversion-upload-/);
  const { rows, error } = parseCsv(await response.text());
  expect(error).toBeNull();
  const [header, ...lines] = rows;
  return lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""])));
}

describe("CSV upload of conversions", () => {
  it("a CSV with bad rows reports them before anything is posted, posts only the good ones, and the report names the reason per row", async () => {
    const market = await makeConversionMarket(stack());
    const [a, b, c] = [await deliveredLead(stack(), market), await deliveredLead(stack(), market), await deliveredLead(stack(), market)];
    const cookie = await signIn(stack().appUrl, market.buyer.email, market.buyer.password);
    const csv = csvOf([
      ["conversion_id", "lead_id", "event", "amount", "occurred_at", "reason"],
      ["up-1", a.id, "funded", "", "", ""],
      ["up-2", b.id, "application", "", "", ""],
      ["up-3", c.id, "funded", "-5", "", ""],
      ["up-4", "", "funded", "", "", ""],
      ["up-5", "no-such-lead", "funded", "", "", ""],
      ["up-6", c.id, "signup", "", "", ""],
      [`"=HYPERLINK(""http://evil.example"",""x"")"`, "no-such-lead", "funded", "", "", ""],
      ["up-8", c.id, "funded", "", "yesterday", ""],
      ["up-9", c.id, "funded", "", "", "bell\u0007"],
    ]);

    // With the workers stopped nothing can be posted: what the upload answers is the check alone.
    await stack().stopWorkers();
    const uploaded = await uploadCsv(cookie, csv, "november.csv");
    expect(uploaded.status).toBe(303);
    expect(uploaded.location).toMatch(/^\/advertiser\/conversions\/upload\/[\w-]+$/);
    const uploadId = uploaded.uploadId!;
    expect(await prisma.conversionUpload.findUniqueOrThrow({ where: { id: uploadId } })).toMatchObject({
      status: "POSTING",
      totalRows: 9,
      processedRows: 4,
      refusedRows: 4,
      fileName: "november.csv",
    });
    const checked = await prisma.conversionUploadRow.findMany({ where: { uploadId, outcome: "refused" }, orderBy: { rowNumber: "asc" } });
    expect(checked.map((r) => [r.rowNumber, r.reasonCode, r.message])).toEqual([
      [4, "invalid_amount", "amount: The amount cannot be negative"],
      [5, "invalid_fields", "lead_id: Send the Leadex lead id the conversion is for"],
      [9, "invalid_fields", expect.stringContaining("occurred_at: Use an ISO 8601 date-time")],
      [10, "invalid_fields", "reason: Contains a NUL or control character"],
    ]);
    expect(await prisma.conversion.count({ where: { advertiserId: market.buyer.actor.companyId } })).toBe(0);
    const progress = await getPage(stack().appUrl, `/advertiser/conversions/upload/${uploadId}`, cookie);
    expect(progress.status).toBe(200);
    expect(progress.text).toContain("4 of 9 rows done; the page refreshes itself every 2 seconds.");
    expect(progress.text).toContain("amount: The amount cannot be negative");

    await stack().startWorkers();
    const done = await finishedUpload(uploadId);
    expect(done).toMatchObject({ status: "DONE", totalRows: 9, processedRows: 9, acceptedRows: 2, refusedRows: 7 });

    // Only the two good rows became conversions, billed by the worker as any conversion is.
    const conversions = await prisma.conversion.findMany({ where: { advertiserId: market.buyer.actor.companyId }, orderBy: { externalId: "asc" } });
    expect(conversions.map((x) => [x.externalId, x.source])).toEqual([
      ["up-1", "CSV"],
      ["up-2", "CSV"],
    ]);
    await Promise.all(conversions.map((x) => settledConversion(x.id)));
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n - 12_000n - 1_500n);

    const report = await downloadReport(cookie, uploadId);
    expect(report.map((r) => [r.row, r.outcome, r.reason_code])).toEqual([
      ["2", "accepted", ""],
      ["3", "accepted", ""],
      ["4", "refused", "invalid_amount"],
      ["5", "refused", "invalid_fields"],
      ["6", "refused", "unknown_lead"],
      ["7", "refused", "unknown_event"],
      ["8", "refused", "unknown_lead"],
      ["9", "refused", "invalid_fields"],
      ["10", "refused", "invalid_fields"],
    ]);
    expect(report[0]).toMatchObject({
      conversion_id: "up-1",
      message: "Recorded: payout 120.00 USD",
      status: "pending",
      leadex_conversion_id: conversions[0].id,
    });
    expect(report[4].message).toBe("No lead no-such-lead exists at Leadex (lead_id: Unknown lead id)");
    expect(report[5].message).toContain("This offer pays for application, funded, not signup");
    // A cell a spreadsheet would run as a formula reaches it as text.
    expect(report[6].conversion_id).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(report[8].reason).toBe("bell\\u0007");

    const page = await getPage(stack().appUrl, `/advertiser/conversions/upload/${uploadId}`, cookie);
    expect(page.text).toContain("Done: 2 of 9 rows accepted, 7 refused.");
    expect(page.text).toContain("No lead no-such-lead exists at Leadex");
    await expectLedgerInvariants();
  });

  it("uploading the same file twice changes nothing: every row is answered as the same report again", async () => {
    const market = await makeConversionMarket(stack(), cps);
    const lead = await deliveredLead(stack(), market);
    const cookie = await signIn(stack().appUrl, market.buyer.email, market.buyer.password);
    const csv = csvOf([
      ["type", "conversion_id", "lead_id", "amount", "currency", "reversal_id", "reason", "adv1"],
      ["conversion", "sale-1", lead.id, "400.00", "USD", "", "", "spring"],
      ["reversal", "sale-1", "", "100.00", "", "refund-1", "One item returned", ""],
      ["conversion", "sale-2", lead.id, "80.00", "usd", "", "", ""],
    ]);
    const first = await uploadCsv(cookie, csv);
    expect(first.status).toBe(303);
    expect(await finishedUpload(first.uploadId!)).toMatchObject({ acceptedRows: 3, refusedRows: 0 });
    const recorded = await prisma.conversion.findMany({ where: { advertiserId: market.buyer.actor.companyId } });
    await Promise.all(recorded.map((x) => settledConversion(x.id)));
    // $400 at 12.5% = $50, a quarter refunded: $37.50; $80 at 12.5% = $10.
    const walletAfterFirst = await wallet(market.buyer.actor.companyId);
    expect(walletAfterFirst).toBe(50_000n - 3_750n - 1_000n);
    const entries = await prisma.journalEntry.count();
    const adjustments = await prisma.conversionAdjustment.count();

    const second = await uploadCsv(cookie, csv);
    expect(second.uploadId).not.toBe(first.uploadId);
    expect(await finishedUpload(second.uploadId!)).toMatchObject({ acceptedRows: 3, refusedRows: 0 });
    const report = await downloadReport(cookie, second.uploadId!);
    expect(report.map((r) => r.message)).toEqual([
      "Already recorded with this conversion id: nothing changed",
      "Reversal already applied: nothing changed",
      "Already recorded with this conversion id: nothing changed",
    ]);
    expect(await prisma.conversion.count({ where: { advertiserId: market.buyer.actor.companyId } })).toBe(2);
    expect(await prisma.journalEntry.count()).toBe(entries);
    expect(await prisma.conversionAdjustment.count()).toBe(adjustments);
    expect(await wallet(market.buyer.actor.companyId)).toBe(walletAfterFirst);
    await expectLedgerInvariants();
  });

  it("a file that cannot be read as a whole is refused with the reason, and nothing is recorded", async () => {
    const buyer = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const unknownColumn = await uploadCsv(cookie, "conversion_id,lead_id,amout\r\nc-1,l-1,5\r\n");
    expect(unknownColumn.status).toBe(422);
    expect(unknownColumn.text).toContain('Unknown column "amout": the columns are type, conversion_id, lead_id');
    const noId = await uploadCsv(cookie, "lead_id,event\r\nl-1,funded\r\n");
    expect(noId.text).toContain("with at least conversion_id");
    const unclosed = await uploadCsv(cookie, 'conversion_id,reason\r\nc-1,"never closed\r\n');
    expect(unclosed.text).toContain('Row 2: A quoted cell is never closed (a " is missing)');
    const tooMany = await uploadCsv(cookie, `conversion_id\r\n${Array.from({ length: MAX_UPLOAD_ROWS + 1 }, (_, i) => `c-${i}`).join("\r\n")}\r\n`);
    expect(tooMany.status).toBe(422);
    expect(tooMany.text).toContain(`The file has ${MAX_UPLOAD_ROWS + 1} rows; at most ${MAX_UPLOAD_ROWS} are taken at once`);
    const tooLarge = await uploadCsv(cookie, `conversion_id,reason\r\n${"c-1,x\r\n".repeat(400_000)}`);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.text).toContain("at most 2 MB are taken at once");
    const empty = await uploadCsv(cookie, "");
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("Choose a CSV file");
    expect(await prisma.conversionUpload.count({ where: { advertiserId: buyer.actor.companyId } })).toBe(0);
  });

  it("another advertiser can neither see an upload nor download its report", async () => {
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);
    const cookie = await signIn(stack().appUrl, market.buyer.email, market.buyer.password);
    const { uploadId } = await uploadCsv(
      cookie,
      csvOf([
        ["conversion_id", "lead_id", "event"],
        ["o-1", lead.id, "funded"],
      ]),
    );
    await finishedUpload(uploadId!);
    const other = await makeAdvertiser();
    const otherCookie = await signIn(stack().appUrl, other.email, other.password);
    expect((await getPage(stack().appUrl, `/advertiser/conversions/upload/${uploadId}`, otherCookie)).status).toBe(404);
    expect((await getPage(stack().appUrl, `/advertiser/conversions/upload/${uploadId}/report.csv`, otherCookie)).status).toBe(404);
    // Posting a row of someone else's lead through a CSV is the API's refusal.
    const { uploadId: theirs } = await uploadCsv(
      otherCookie,
      csvOf([
        ["conversion_id", "lead_id", "event"],
        ["o-1", lead.id, "funded"],
      ]),
    );
    expect(await finishedUpload(theirs!)).toMatchObject({ acceptedRows: 0, refusedRows: 1 });
    expect((await downloadReport(otherCookie, theirs!))[0]).toMatchObject({
      reason_code: "lead_not_bought",
      message: expect.stringContaining("You did not buy lead"),
    });
    await expectLedgerInvariants();
  });
});

describe("the advertiser's decisions on its conversions", () => {
  /** A conversion reported by API and billed by the worker (PENDING). */
  async function pendingConversion(
    market: Awaited<ReturnType<typeof makeConversionMarket>>,
    leadId: string,
    conversionId: string,
    body: Record<string, string> = {},
  ) {
    const answer = await postConversion(stack().appUrl, market.buyer.apiKey, { lead_id: leadId, conversion_id: conversionId, event: "funded", ...body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    return settledConversion(answer.body.leadex_conversion_id);
  }

  /** A conversion held (as a hold rule does) before the worker could bill it. */
  async function heldConversion(market: Awaited<ReturnType<typeof makeConversionMarket>>, leadId: string, conversionId: string) {
    await stack().stopWorkers();
    try {
      const answer = await postConversion(stack().appUrl, market.buyer.apiKey, { lead_id: leadId, conversion_id: conversionId, event: "funded" });
      expect(answer.status).toBe(202);
      return await prisma.conversion.update({
        where: { id: answer.body.leadex_conversion_id },
        data: { status: "HELD", holdUntil: new Date(Date.now() + 48 * 3_600_000), reasonCode: "held_by_rule", reason: 'Rule "big tickets": held for 48 h' },
      });
    } finally {
      await stack().startWorkers();
    }
  }

  it("rejecting a pending conversion restores the wallet and the affiliate's held money; approving another approves it", async () => {
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);
    const cookie = await signIn(stack().appUrl, market.buyer.email, market.buyer.password);
    const buyer = market.buyer.actor.companyId;
    const affiliate = market.affiliate.actor.companyId;
    const toReject = await pendingConversion(market, lead.id, "d-1");
    const toApprove = await pendingConversion(market, lead.id, "d-2");
    expect(await wallet(buyer)).toBe(50_000n - 24_000n);
    expect(await held(affiliate)).toBe(2n * 9_600n);

    const list = await getPage(stack().appUrl, "/advertiser/conversions", cookie);
    expect(list.text).toContain("d-1");
    expect(list.text).toContain("Approve or reject");

    // A rejection needs a reason, named next to the field; nothing changes without one.
    const noReason = await submitForm(stack().appUrl, "/advertiser/conversions", { intent: "reject", conversionId: toReject.id, reason: " " }, cookie);
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("Say why you reject this conversion");
    expect(await wallet(buyer)).toBe(50_000n - 24_000n);

    const rejected = await submitAndOpen(
      stack().appUrl,
      "/advertiser/conversions",
      { intent: "reject", conversionId: toReject.id, reason: "Customer cancelled in the cooling-off period" },
      cookie,
    );
    expect(rejected.status).toBe(200);
    expect(rejected.text).toContain("Conversion d-1 rejected: $120.00 went back to your wallet.");
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: toReject.id } })).toMatchObject({
      status: "REJECTED",
      reasonCode: "rejected_by_advertiser",
      reason: "Customer cancelled in the cooling-off period",
      reversedPayoutCents: 12_000,
    });
    expect(await prisma.conversionAdjustment.findMany({ where: { conversionId: toReject.id } })).toMatchObject([
      { key: "rejected-by-advertiser", payoutDeltaCents: -12_000 },
    ]);
    expect(await wallet(buyer)).toBe(50_000n - 12_000n);
    expect(await held(affiliate)).toBe(9_600n);

    // The same rejection again (a second click) changes nothing.
    const again = await submitAndOpen(stack().appUrl, "/advertiser/conversions", { intent: "reject", conversionId: toReject.id, reason: "twice" }, cookie);
    expect(again.text).toContain("Conversion d-1 was already rejected.");
    // A rejected conversion cannot be approved.
    const approveRejected = await submitForm(stack().appUrl, "/advertiser/conversions", { intent: "approve", conversionId: toReject.id }, cookie);
    expect(approveRejected.status).toBe(409);
    expect(approveRejected.text).toContain("Conversion d-1 is rejected: only pending or held conversions can be approved or rejected");

    const approved = await submitAndOpen(stack().appUrl, "/advertiser/conversions", { intent: "approve", conversionId: toApprove.id }, cookie);
    expect(approved.status).toBe(200);
    expect(approved.text).toContain("Conversion d-2 approved. Its payout of $120.00 was billed on");
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: toApprove.id } })).toMatchObject({ status: "APPROVED", approvedAt: expect.any(Date) });
    expect(await wallet(buyer)).toBe(50_000n - 12_000n);

    // Once locked, neither: the advertiser is told to open a dispute.
    await prisma.conversion.update({ where: { id: toApprove.id }, data: { status: "PENDING", lockAt: new Date(Date.now() - 1000) } });
    const locked = await submitForm(stack().appUrl, "/advertiser/conversions", { intent: "reject", conversionId: toApprove.id, reason: "too late" }, cookie);
    expect(locked.status).toBe(409);
    expect(locked.text).toContain("can no longer be approved or rejected; open a dispute instead");
    expect(await wallet(buyer)).toBe(50_000n - 12_000n);

    // Another advertiser is told the conversion does not exist.
    const other = await makeAdvertiser();
    const otherCookie = await signIn(stack().appUrl, other.email, other.password);
    const foreign = await submitForm(
      stack().appUrl,
      "/advertiser/conversions",
      { intent: "reject", conversionId: toApprove.id, reason: "not mine" },
      otherCookie,
    );
    expect(foreign.status).toBe(404);
    await expectLedgerInvariants();
  });

  it("approving a held conversion bills it now; rejecting a held one charges nothing", async () => {
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);
    const cookie = await signIn(stack().appUrl, market.buyer.email, market.buyer.password);
    const buyer = market.buyer.actor.companyId;
    const first = await heldConversion(market, lead.id, "h-1");
    const second = await heldConversion(market, lead.id, "h-2");
    expect(await wallet(buyer)).toBe(50_000n);

    const page = await getPage(stack().appUrl, `/advertiser/conversions/${first.id}`, cookie);
    expect(page.text).toContain('Held by your rule: Rule "big tickets": held for 48 h');
    const approved = await submitAndOpen(stack().appUrl, `/advertiser/conversions/${first.id}`, { intent: "approve", reason: "" }, cookie);
    expect(approved.status).toBe(200);
    expect(approved.text).toContain("Conversion h-1 approved and billed $120.00 from your wallet; it locks on");
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: "APPROVED", billedAt: expect.any(Date) });
    expect(await wallet(buyer)).toBe(50_000n - 12_000n);
    expect(await held(market.affiliate.actor.companyId)).toBe(9_600n);
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: `conversion:${first.id}` } })).toBe(1);

    const rejected = await submitAndOpen(stack().appUrl, `/advertiser/conversions/${second.id}`, { intent: "reject", reason: "Duplicate of h-1" }, cookie);
    expect(rejected.text).toContain("Conversion h-2 rejected. It had not been billed yet, so nothing was charged.");
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ status: "REJECTED", journalEntryId: null });
    expect(await wallet(buyer)).toBe(50_000n - 12_000n);
    await expectLedgerInvariants();
  });

  it("a reversal and an amount change sent from the conversion's page go through the conversion intake", async () => {
    const market = await makeConversionMarket(stack(), cps);
    const lead = await deliveredLead(stack(), market);
    const cookie = await signIn(stack().appUrl, market.buyer.email, market.buyer.password);
    const buyer = market.buyer.actor.companyId;
    const sale = await pendingConversion(market, lead.id, "s-1", { event: "", amount: "400.00" });
    expect(await wallet(buyer)).toBe(50_000n - 5_000n);
    const path = `/advertiser/conversions/${sale.id}`;

    const changed = await submitAndOpen(stack().appUrl, path, { intent: "amount_change", amount: "480.00", reason: "Shipping added" }, cookie);
    expect(changed.text).toContain("Sale s-1 changed to $480.00: its payout is now $60.00 (was $50.00).");
    const badAmount = await submitForm(stack().appUrl, path, { intent: "reversal", amount: "9999.00", reason: "x", reversalId: "portal-a" }, cookie);
    expect(badAmount.status).toBe(422);
    expect(badAmount.text).toContain("At most 480.00");

    const reversed = await submitAndOpen(
      stack().appUrl,
      path,
      { intent: "reversal", amount: "120.00", reason: "One item returned", reversalId: "portal-b" },
      cookie,
    );
    expect(reversed.text).toContain("Conversion s-1 partly reversed: $15.00 back to your wallet; it now costs $45.00.");
    // The same form sent twice (its reversal id) reverses once.
    const twice = await submitAndOpen(
      stack().appUrl,
      path,
      { intent: "reversal", amount: "120.00", reason: "One item returned", reversalId: "portal-b" },
      cookie,
    );
    expect(twice.text).toContain("That correction was already recorded: nothing changed.");
    expect(await wallet(buyer)).toBe(50_000n - 4_500n);
    const page = await getPage(stack().appUrl, path, cookie);
    expect(page.text).toContain("One item returned");
    expect(page.text).toContain("Shipping added");
    await expectLedgerInvariants();
  });
});
