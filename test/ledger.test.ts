import { describe, expect, it } from "vitest";
import {
  balanceCents,
  findUnbalancedEntries,
  ledgerAccounts,
  postJournalEntry,
  UnbalancedEntryError,
} from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";

const cash = ledgerAccounts.stripeCash("usd");
const wallet = ledgerAccounts.advertiserWallet("company-ledger-test", "usd");

describe("ledger", () => {
  it("refuses an entry whose postings do not sum to zero", async () => {
    await expect(
      prisma.$transaction((tx) =>
        postJournalEntry(tx, {
          idempotencyKey: "unbalanced-1",
          kind: "TEST",
          description: "off by one",
          postings: [
            { account: cash, amountCents: 1000n },
            { account: wallet, amountCents: -999n },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(UnbalancedEntryError);
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: "unbalanced-1" } })).toBe(0);
  });

  it("posts an entry once however often it is retried", async () => {
    const post = () =>
      prisma.$transaction((tx) =>
        postJournalEntry(tx, {
          idempotencyKey: "topup:test-1",
          kind: "TOP_UP",
          description: "test top-up",
          postings: [
            { account: cash, amountCents: 5000n },
            { account: wallet, amountCents: -5000n },
          ],
        }),
      );
    const results = await Promise.all([post(), post(), post()]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entryId)).size).toBe(1);
    expect(await balanceCents(prisma, wallet)).toBe(5000n);
    expect(await balanceCents(prisma, cash)).toBe(5000n);
    expect(await findUnbalancedEntries(prisma)).toEqual([]);
  });
});
