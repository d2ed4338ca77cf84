import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import {
  balanceCents,
  findUnbalancedEntries,
  InsufficientBalanceError,
  ledgerAccounts,
  postJournalEntry,
  postReversingEntry,
  UnbalancedEntryError,
  type AccountFloor,
} from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";

const cash = ledgerAccounts.stripeCash("usd");
const wallet = ledgerAccounts.advertiserWallet("company-ledger-test", "usd");

const fees = ledgerAccounts.platformFees("usd");
const walletOf = (name: string) => ledgerAccounts.advertiserWallet(`company-${name}-${randomUUID()}`, "usd");
type Wallet = ReturnType<typeof walletOf>;

/** A top-up: Stripe cash in, the wallet credited (checked against `floors` when given). */
const fund = (wallet: Wallet, cents: bigint, floors?: AccountFloor[]) =>
  prisma.$transaction((tx) =>
    postJournalEntry(tx, {
      idempotencyKey: `fund:${wallet.code}:${randomUUID()}`,
      kind: "TOP_UP",
      description: "test top-up",
      postings: [
        { account: cash, amountCents: cents },
        { account: wallet, amountCents: -cents },
      ],
      floors,
    }),
  );

/** Spending from the wallet (a lead sale), checked against its floor: 0 unless one is given. */
const spend = (wallet: Wallet, cents: bigint, floor: AccountFloor = { account: wallet, floorCents: 0n }, key: string = randomUUID()) =>
  prisma.$transaction((tx) =>
    postJournalEntry(tx, {
      idempotencyKey: `spend:${key}`,
      kind: "LEAD_SALE",
      description: "test spend",
      postings: [
        { account: wallet, amountCents: cents },
        { account: fees, amountCents: -cents },
      ],
      floors: [floor],
    }),
  );

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

  describe("floors", () => {
    it("refuses an entry that would take a wallet below zero, writing nothing", async () => {
      const wallet = walletOf("zero");
      await fund(wallet, 2_000n);
      const refused = await spend(wallet, 3_000n, undefined, "refused-1").catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InsufficientBalanceError);
      expect((refused as InsufficientBalanceError).describe("price")).toBe("balance $20.00 is below the price $30.00");
      expect(await prisma.journalEntry.count({ where: { idempotencyKey: "spend:refused-1" } })).toBe(0);
      expect(await balanceCents(prisma, wallet)).toBe(2_000n);
      await spend(wallet, 2_000n);
      expect(await balanceCents(prisma, wallet)).toBe(0n);
    });

    it("lets a postpaid wallet go down to minus its credit limit and no further", async () => {
      const wallet = walletOf("credit");
      const floor = { account: wallet, floorCents: -5_000n };
      await spend(wallet, 4_000n, floor);
      const refused = await spend(wallet, 1_001n, floor).catch((e: unknown) => e);
      expect((refused as InsufficientBalanceError).describe("price")).toBe("balance -$40.00 plus its credit limit $50.00 is below the price $10.01");
      await spend(wallet, 1_000n, floor);
      expect(await balanceCents(prisma, wallet)).toBe(-5_000n);
    });

    it("never lets concurrent spending overdraw a wallet: the floor is checked under the wallet's lock", async () => {
      const wallet = walletOf("race");
      await fund(wallet, 10_000n);
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => spend(wallet, 3_000n)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(InsufficientBalanceError);
      expect(await balanceCents(prisma, wallet)).toBe(1_000n);
      expect(await findUnbalancedEntries(prisma)).toEqual([]);
    });

    it("lets money into an account already below its floor (a recovery is never refused)", async () => {
      const wallet = walletOf("recovery");
      await spend(wallet, 500n, { account: wallet, floorCents: -500n });
      // The credit limit is withdrawn: the wallet is now below its floor of 0, and a top-up still lands.
      await fund(wallet, 200n, [{ account: wallet, floorCents: 0n }]);
      expect(await balanceCents(prisma, wallet)).toBe(-300n);
    });
  });

  describe("reversing entries", () => {
    it("reverses an entry once with the opposite postings, linked to it, however often it is retried", async () => {
      const wallet = walletOf("reverse");
      const { entryId } = await fund(wallet, 7_000n);
      const cashBefore = await balanceCents(prisma, cash);
      const reverse = (key: string) =>
        prisma.$transaction((tx) => postReversingEntry(tx, { entryId, idempotencyKey: key, kind: "TOP_UP_REVERSED", description: "refund" }));
      const [first, retry] = await Promise.all([reverse(`reverse:${entryId}`), reverse(`reverse:${entryId}`)]);
      expect(first.entryId).toBe(retry.entryId);
      expect([first.created, retry.created].filter(Boolean)).toHaveLength(1);
      // A second reversal under another key is still the first one: an entry is reversed at most once.
      expect((await reverse(`reverse-again:${entryId}`)).entryId).toBe(first.entryId);
      const reversal = await prisma.journalEntry.findUniqueOrThrow({ where: { id: first.entryId }, include: { postings: { include: { account: true } } } });
      expect(reversal.reversesId).toBe(entryId);
      expect(Object.fromEntries(reversal.postings.map((p) => [p.account.code, p.amountCents]))).toEqual({ [cash.code]: -7_000n, [wallet.code]: 7_000n });
      expect(await balanceCents(prisma, wallet)).toBe(0n);
      expect(await balanceCents(prisma, cash)).toBe(cashBefore - 7_000n);
      expect(await findUnbalancedEntries(prisma)).toEqual([]);
    });

    it("refuses a reversal that would take a floored account below its floor", async () => {
      const wallet = walletOf("reverse-floor");
      const { entryId } = await fund(wallet, 1_000n);
      await spend(wallet, 600n);
      await expect(
        prisma.$transaction((tx) =>
          postReversingEntry(tx, {
            entryId,
            idempotencyKey: `reverse:${entryId}`,
            kind: "TOP_UP_REVERSED",
            description: "refund",
            floors: [{ account: wallet, floorCents: 0n }],
          }),
        ),
      ).rejects.toBeInstanceOf(InsufficientBalanceError);
      expect(await prisma.journalEntry.count({ where: { reversesId: entryId } })).toBe(0);
    });
  });
});
