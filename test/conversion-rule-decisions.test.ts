import { describe, expect, it } from "vitest";
import { runConversionUpkeep } from "~/modules/conversions/conversion-billing.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser } from "./factories/accounts";
import { getPage, signIn, submitAndOpen, submitForm, useTestStack } from "./support/app";
import { makeConversionMarket, postConversion, settledConversion } from "./support/conversions";
import { expectLedgerInvariants } from "./support/ledger-invariants";
import { postAndSettle } from "./support/selling";

// Rules an advertiser writes on its conversion-rules page decide its posted conversions: a reject
// rule rejects with its reason and bills nothing, a hold rule holds until the upkeep bills it
// after the hold, an approve rule approves at once; anything else stays pending.

const stack = useTestStack({ workers: true });
const HOUR_MS = 60 * 60 * 1000;
const PAGE = "/advertiser/conversions/rules";

const wallet = (id: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(id, "usd"));
const held = (id: string) => balanceCents(prisma, ledgerAccounts.affiliateHeld(id, "usd"));

async function addRule(cookie: string, rule: Record<string, string>) {
  const answer = await submitAndOpen(stack().appUrl, PAGE, { intent: "save", ...rule }, cookie);
  expect(answer.status, answer.text).toBe(200);
  expect(answer.text).toContain(`Rule saved: “${rule.name}”`);
  return answer;
}

describe("conversion rules decide posted conversions", () => {
  it("reject bills nothing and says why, hold bills after the hold, approve approves, no match stays pending", async () => {
    const market = await makeConversionMarket(stack());
    const cookie = await signIn(stack().appUrl, market.buyer.email, market.buyer.password);
    await addRule(cookie, { name: "Test traffic", condition: "s2 in (spam, test) or adv1 = test", action: "reject", reason: "Test traffic is not paid" });
    await addRule(cookie, { name: "Check big loans", condition: 'event = funded and not adv2 = "verified"', action: "hold", hours: "48" });
    await addRule(cookie, { name: "Verified", condition: "adv2 = VERIFIED", action: "approve" });
    const buyer = market.buyer.actor.companyId;
    const affiliate = market.affiliate.actor.companyId;

    const post = async (conversionId: string, fields: Record<string, string>, subIds: Record<string, string> = {}) => {
      const lead = await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id, subIds);
      expect(lead.status).toBe("SOLD");
      const answer = await postConversion(stack().appUrl, market.buyer.apiKey, { lead_id: lead.id, conversion_id: conversionId, ...fields });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      return settledConversion(answer.body.leadex_conversion_id);
    };

    // Reject: by the lead's sub-id, whatever the other rules say.
    const rejected = await post("c-reject", { event: "funded", adv2: "verified" }, { s2: "Test" });
    expect(rejected).toMatchObject({
      status: "REJECTED",
      reasonCode: "rejected_by_rule",
      reason: 'Rule "Test traffic": Test traffic is not paid',
      journalEntryId: null,
    });
    expect(await wallet(buyer)).toBe(50_000n);
    expect(await held(affiliate)).toBe(0n);
    const again = await postConversion(stack().appUrl, market.buyer.apiKey, {
      lead_id: rejected.leadId,
      conversion_id: "c-reject",
      event: "funded",
      adv2: "verified",
    });
    expect(again.body).toMatchObject({ status: "rejected", reason_code: "rejected_by_rule", reason: 'Rule "Test traffic": Test traffic is not paid' });

    // Hold: nothing billed until the hold ends; the upkeep bills it then, once.
    const heldConversion = await post("c-hold", { event: "funded" });
    expect(heldConversion).toMatchObject({ status: "HELD", reasonCode: "held_by_rule", journalEntryId: null });
    const holdHours = (heldConversion.holdUntil!.getTime() - heldConversion.receivedAt.getTime()) / HOUR_MS;
    expect(holdHours).toBeGreaterThan(47.9);
    expect(holdHours).toBeLessThan(48.1);
    expect(await wallet(buyer)).toBe(50_000n);
    await runConversionUpkeep(new Date(heldConversion.holdUntil!.getTime() - 60_000));
    expect((await prisma.conversion.findUniqueOrThrow({ where: { id: heldConversion.id } })).status).toBe("HELD");
    const afterHold = new Date(heldConversion.holdUntil!.getTime() + HOUR_MS);
    await runConversionUpkeep(afterHold);
    await runConversionUpkeep(afterHold);
    const billed = await prisma.conversion.findUniqueOrThrow({ where: { id: heldConversion.id } });
    expect(billed).toMatchObject({ status: "PENDING", billedAt: afterHold, reasonCode: null });
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: `conversion:${billed.id}` } })).toBe(1);
    expect(await wallet(buyer)).toBe(50_000n - 12_000n);
    expect(await held(affiliate)).toBe(9_600n);

    // Approve: billed and approved at once.
    const approved = await post("c-approve", { event: "funded", adv2: "Verified " });
    expect(approved).toMatchObject({ status: "APPROVED", reasonCode: null });
    expect(approved.approvedAt).not.toBeNull();
    expect(approved.journalEntryId).not.toBeNull();
    expect(await wallet(buyer)).toBe(50_000n - 24_000n);

    // No rule matches: billed and pending, as without rules.
    const pending = await post("c-pending", { event: "application" });
    expect(pending).toMatchObject({ status: "PENDING", reasonCode: null });
    expect(await wallet(buyer)).toBe(50_000n - 24_000n - 1_500n);
    await expectLedgerInvariants();
  });
});

describe("the conversion rules page", () => {
  it("adds, edits, reorders and deletes rules, names each wrong field, and tries a sample", async () => {
    const advertiser = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const empty = await getPage(stack().appUrl, PAGE, cookie);
    expect(empty.status).toBe(200);
    expect(empty.text).toContain("No rules yet");

    const bad = await submitForm(
      stack().appUrl,
      PAGE,
      { intent: "save", name: "", condition: "sale_amount > 500 and (event = funded", action: "hold", hours: "0" },
      cookie,
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Give the rule a name");
    expect(bad.text).toContain("Expected ) at column 38 to close the ( at column 23, found the end of the condition");
    expect(bad.text).toContain("Enter whole hours from 1 to 720");
    expect(bad.text).toContain("500 and (event = funded"); // what was typed comes back
    const hostile = await submitForm(
      stack().appUrl,
      PAGE,
      { intent: "save", name: "Deep", condition: `${"(".repeat(5000)}event = a`, action: "approve" },
      cookie,
    );
    expect(hostile.status).toBe(400);
    expect(hostile.text).toContain("A condition has at most 2,000 characters; this one has 5,009");
    const deep = await submitForm(
      stack().appUrl,
      PAGE,
      { intent: "save", name: "Deep", condition: `${"(".repeat(50)}event = a${")".repeat(50)}`, action: "approve" },
      cookie,
    );
    expect(deep.text).toContain("Too deeply nested at column 13: at most 12 levels of parentheses and not");
    const noReason = await submitForm(stack().appUrl, PAGE, { intent: "save", name: "No reason", condition: "s1 = x", action: "reject", reason: " " }, cookie);
    expect(noReason.text).toContain("Say why such conversions are rejected");
    expect((await prisma.company.findUniqueOrThrow({ where: { id: advertiser.actor.companyId } })).conversionRules).toEqual([]);

    await addRule(cookie, { name: "Big sales", condition: "sale_amount >= 1000", action: "hold", hours: "24" });
    await addRule(cookie, { name: "Spam", condition: "s2 = spam or s3 = spam and adv1 is empty", action: "reject", reason: "Spam source" });
    const taken = await submitForm(stack().appUrl, PAGE, { intent: "save", name: "big SALES", condition: "s1 = x", action: "approve" }, cookie);
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('Rule 1 is already called "Big sales": pick another name');

    const list = await getPage(stack().appUrl, PAGE, cookie);
    expect(list.text).toContain("Your rules (2)");
    expect(list.text).toContain("Hold 24 h");
    expect(list.text).toContain("Reject: Spam source");
    expect(list.text).toContain("Read as: s2 = spam or (s3 = spam and adv1 is empty)");
    const stored = () =>
      prisma.company.findUniqueOrThrow({ where: { id: advertiser.actor.companyId } }).then((c) => c.conversionRules as Array<{ id: string; name: string }>);
    const [big, spam] = await stored();

    const moved = await submitAndOpen(stack().appUrl, PAGE, { intent: "move", ruleId: spam.id, direction: "up" }, cookie);
    expect(moved.text).toContain("Rule moved: “Spam” is now rule 1.");
    expect((await stored()).map((r) => r.name)).toEqual(["Spam", "Big sales"]);

    const editing = await getPage(stack().appUrl, `${PAGE}?edit=${big.id}`, cookie);
    expect(editing.text).toContain("Edit rule 2: Big sales");
    const edited = await submitAndOpen(
      stack().appUrl,
      PAGE,
      { intent: "save", ruleId: big.id, name: "Big sales", condition: "sale_amount >= 2000", action: "approve" },
      cookie,
    );
    expect(edited.text).toContain("Rule saved: “Big sales” is rule 2.");
    expect(await stored()).toEqual([
      expect.objectContaining({ name: "Spam" }),
      { id: big.id, name: "Big sales", condition: "sale_amount >= 2000", action: { type: "approve" } },
    ]);

    const tried = await submitForm(stack().appUrl, PAGE, { intent: "try", sale_amount: "2500", s2: "SPAM" }, cookie);
    expect(tried.text).toContain('Rule "Spam" decides: reject (Spam source).');
    expect(tried.text).toContain("Big sales: matches, but an earlier rule decides");
    const noMatch = await submitForm(stack().appUrl, PAGE, { intent: "try", sale_amount: "20" }, cookie);
    expect(noMatch.text).toContain("No rule matches: the conversion would stay pending.");
    const badSample = await submitForm(stack().appUrl, PAGE, { intent: "try", sale_amount: "lots" }, cookie);
    expect(badSample.status).toBe(400);
    expect(badSample.text).toContain("Enter an amount such as 500 or 49.99, or leave it empty");

    // Another advertiser cannot touch these rules: they do not exist for it.
    const other = await makeAdvertiser();
    const otherCookie = await signIn(stack().appUrl, other.email, other.password);
    expect((await submitForm(stack().appUrl, PAGE, { intent: "delete", ruleId: spam.id }, otherCookie)).status).toBe(404);

    const deleted = await submitAndOpen(stack().appUrl, PAGE, { intent: "delete", ruleId: spam.id }, cookie);
    expect(deleted.text).toContain("Rule deleted: “Spam”.");
    expect((await stored()).map((r) => r.name)).toEqual(["Big sales"]);
    expect((await submitForm(stack().appUrl, PAGE, { intent: "delete", ruleId: spam.id }, cookie)).status).toBe(404);
  });
});
