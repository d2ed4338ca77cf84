import { describe, expect, it } from "vitest";
import { advertiserWalletFloor } from "~/modules/billing/lead-sales.server";
import { listWalletStatement, STATEMENT_PAGE } from "~/modules/billing/wallet-statement.server";
import { openReturn } from "~/modules/disputes/lead-returns.server";
import { ledgerAccounts, postJournalEntryBatch } from "~/modules/ledger/ledger.server";
import { parseCsv } from "~/modules/deliveries/csv";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { getPage, signIn, useTestStack } from "./support/app";
import { expectCashEqualsStripe, expectLedgerInvariants } from "./support/ledger-invariants";
import { makeMarket, postAndSettle } from "./support/selling";

// The advertiser's statement on the billing page: every charge and credit on its wallet, from the
// ledger, newest first, with the balance after each line; filters, pages and a CSV in dollars.

const stack = useTestStack();
const today = () => new Date().toISOString().slice(0, 10);
const dayOffset = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function csvOf(path: string, cookie: string) {
  const response = await fetch(new URL(path, stack().appUrl), { headers: { cookie } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/csv");
  const { rows, error } = parseCsv((await response.text()).trimEnd());
  expect(error).toBeNull();
  return rows;
}

describe("the advertiser's wallet statement", () => {
  it("lists a top-up, two leads bought and a return credited, newest first, with the balance after each; filters and a CSV in dollars", async () => {
    // A $500 top-up, two leads at $32, then the first returned (its phone fails validation: approved at once).
    const market = await makeMarket(stack());
    const { buyer } = market;
    const leads = [];
    for (let i = 0; i < 2; i++) {
      const lead = await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id);
      expect(lead.status).toBe("SOLD");
      leads.push(lead);
    }
    await prisma.lead.update({ where: { id: leads[0].id }, data: { phone: "+1555" } });
    const { dispute, outcome } = await openReturn(buyer.actor, { lead_id: leads[0].id, reason: "invalid_phone" });
    expect(outcome).toBe("approved");

    const { lines, next } = await listWalletStatement(buyer.actor, {});
    expect(next).toBeNull();
    expect(lines.map((l) => [l.kind, l.words, l.link?.href ?? null, l.amountCents, l.balanceCents])).toEqual([
      ["returns", "Lead returned: its price credited back", `/advertiser/disputes/${dispute.id}`, 3_200, 46_800],
      ["leads", "Lead bought", `/advertiser/leads/${leads[1].id}`, -3_200, 43_600],
      ["leads", "Lead bought", `/advertiser/leads/${leads[0].id}`, -3_200, 46_800],
      ["top-ups", "Top-up by card", null, 50_000, 50_000],
    ]);

    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const page = await getPage(stack().appUrl, "/advertiser/billing", cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Lead returned: its price credited back Return ${dispute.id} +$32.00 $468.00`);
    expect(page.text).toContain(`Lead bought Lead ${leads[1].id} -$32.00 $436.00`);
    expect(page.text).toContain("Top-up by card — +$500.00 $500.00");

    // Filtered by kind, the balances stay the wallet's after each line.
    const onlyLeads = await getPage(stack().appUrl, "/advertiser/billing?kind=leads", cookie);
    expect(onlyLeads.text).toContain(`Lead bought Lead ${leads[1].id} -$32.00 $436.00`);
    expect(onlyLeads.text).toContain(`Lead bought Lead ${leads[0].id} -$32.00 $468.00`);
    expect(onlyLeads.text).not.toContain("Top-up by card");
    expect(onlyLeads.text).not.toContain("Lead returned");
    // Dates: today has every line; tomorrow onwards, or up to yesterday, none.
    expect((await listWalletStatement(buyer.actor, { from: today(), to: today() })).lines).toHaveLength(4);
    const future = await getPage(stack().appUrl, `/advertiser/billing?from=${dayOffset(1)}`, cookie);
    expect(future.text).toContain("Nothing on your wallet matches these filters");
    expect((await listWalletStatement(buyer.actor, { to: dayOffset(-1) })).lines).toHaveLength(0);
    // A filter value that is no filter shows everything rather than an error.
    const odd = await getPage(stack().appUrl, "/advertiser/billing?kind=bogus&from=yesterday&cursor=%%%", cookie);
    expect(odd.status).toBe(200);
    expect(odd.text).toContain("Top-up by card");

    // The CSV, in dollars, honours the filters.
    const all = await csvOf("/advertiser/billing/statement.csv", cookie);
    expect(all[0]).toEqual(["date", "kind", "description", "reference", "amount", "balance", "currency"]);
    expect(all.slice(1).map((r) => r.slice(1))).toEqual([
      ["returns", "Lead returned: its price credited back", dispute.id, "32.00", "468.00", "usd"],
      ["leads", "Lead bought", leads[1].id, "-32.00", "436.00", "usd"],
      ["leads", "Lead bought", leads[0].id, "-32.00", "468.00", "usd"],
      ["top-ups", "Top-up by card", "", "500.00", "500.00", "usd"],
    ]);
    const returnsOnly = await csvOf(`/advertiser/billing/statement.csv?kind=returns&from=${today()}`, cookie);
    expect(returnsOnly.slice(1).map((r) => [r[1], r[4], r[5]])).toEqual([["returns", "32.00", "468.00"]]);
    expect(await csvOf(`/advertiser/billing/statement.csv?to=${dayOffset(-1)}`, cookie)).toHaveLength(1);

    // Another advertiser sees none of it.
    const stranger = await makeAdvertiser();
    expect((await listWalletStatement(stranger.actor, {})).lines).toEqual([]);
    const strangerCookie = await signIn(stack().appUrl, stranger.email, stranger.password);
    expect(await csvOf("/advertiser/billing/statement.csv", strangerCookie)).toHaveLength(1);

    await expectCashEqualsStripe();
    await expectLedgerInvariants();
  });

  it("pages through a long statement with a cursor, the balance running on across pages and through every line of the CSV", async () => {
    const advertiser = await makeAdvertiser();
    await fundWallet(advertiser.actor, 10_000, stack().emulator);
    // 520 goodwill credits of $1.00 from the platform's fees: more than a page, and more than one export batch.
    const wallet = ledgerAccounts.advertiserWallet(advertiser.actor.companyId, "usd");
    const credits = Array.from({ length: 520 }, (_, i) => ({
      idempotencyKey: `statement-test:${advertiser.actor.companyId}:${i}`,
      kind: "GOODWILL_CREDIT",
      description: `Goodwill credit ${i}`,
      postings: [
        { account: wallet, amountCents: -100n },
        { account: ledgerAccounts.platformFees("usd"), amountCents: 100n },
      ],
    }));
    await prisma.$transaction(async (tx) => postJournalEntryBatch(tx, credits, await advertiserWalletFloor(tx, advertiser.actor.companyId, "usd")));

    const first = await listWalletStatement(advertiser.actor, {});
    expect(first.lines).toHaveLength(STATEMENT_PAGE);
    expect(first.lines[0]).toMatchObject({ kind: "other", words: "Goodwill credit", amountCents: 100, balanceCents: 62_000 });
    const second = await listWalletStatement(advertiser.actor, { cursor: first.next! });
    expect(second.lines).toHaveLength(STATEMENT_PAGE);
    expect(second.lines[0].balanceCents).toBe(first.lines[STATEMENT_PAGE - 1].balanceCents - first.lines[STATEMENT_PAGE - 1].amountCents);
    expect(new Set([...first.lines, ...second.lines].map((l) => l.id)).size).toBe(2 * STATEMENT_PAGE);
    // Only "other" lines, paged: the top-up is not among them, the balances still the wallet's.
    const others = await listWalletStatement(advertiser.actor, { kind: "other", cursor: second.next! });
    expect(others.lines[0].balanceCents).toBe(62_000 - 2 * STATEMENT_PAGE * 100);

    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const page = await getPage(stack().appUrl, "/advertiser/billing", cookie);
    expect(page.text).toContain("Older lines");
    const rows = (await csvOf("/advertiser/billing/statement.csv", cookie)).slice(1);
    expect(rows).toHaveLength(521);
    expect(rows[0].slice(4)).toEqual(["1.00", "620.00", "usd"]);
    expect(rows[520].slice(1)).toEqual(["top-ups", "Top-up by card", "", "100.00", "100.00", "usd"]);
    for (let i = 1; i < rows.length; i++) {
      const cents = (v: string) => Math.round(Number(v) * 100);
      expect(cents(rows[i][5]), `row ${i} balance`).toBe(cents(rows[i - 1][5]) - cents(rows[i - 1][4]));
    }
    await expectLedgerInvariants();
  });
});
