import { randomUUID } from "node:crypto";
import type { LedgerAccountType } from "~/generated/prisma/enums";
import type { Db, Tx } from "~/utils/db.server";

// Double-entry ledger: the source of truth for every balance. Positive postings are debits,
// negative are credits; every entry sums to zero per currency and is never edited.

export interface AccountSpec {
  code: string;
  type: LedgerAccountType;
  companyId: string | null;
  currency: string;
}

export const ledgerAccounts = {
  stripeCash: (currency: string): AccountSpec => ({ code: `platform:stripe-cash:${currency}`, type: "ASSET", companyId: null, currency }),
  platformFees: (currency: string): AccountSpec => ({ code: `platform:fees:${currency}`, type: "REVENUE", companyId: null, currency }),
  advertiserWallet: (companyId: string, currency: string): AccountSpec => ({
    code: `advertiser:${companyId}:wallet:${currency}`,
    type: "LIABILITY",
    companyId,
    currency,
  }),
  affiliatePending: (companyId: string, currency: string): AccountSpec => ({
    code: `affiliate:${companyId}:pending:${currency}`,
    type: "LIABILITY",
    companyId,
    currency,
  }),
};

export interface PostingInput {
  account: AccountSpec;
  amountCents: bigint;
}

export interface JournalEntryInput {
  idempotencyKey: string;
  kind: string;
  description: string;
  postings: PostingInput[];
}

export class UnbalancedEntryError extends Error {}

function assertBalanced(entry: JournalEntryInput) {
  if (entry.postings.length < 2) throw new UnbalancedEntryError("An entry needs at least two postings");
  const sums = new Map<string, bigint>();
  for (const p of entry.postings) {
    if (p.amountCents === 0n) throw new UnbalancedEntryError("A posting cannot be zero");
    sums.set(p.account.currency, (sums.get(p.account.currency) ?? 0n) + p.amountCents);
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0n) throw new UnbalancedEntryError(`Entry ${entry.idempotencyKey} is off by ${sum} ${currency}`);
  }
}

export async function ensureLedgerAccount(tx: Tx | Db, spec: AccountSpec) {
  await tx.ledgerAccount.createMany({ data: [spec], skipDuplicates: true });
  return tx.ledgerAccount.findUniqueOrThrow({ where: { code: spec.code } });
}

/** Takes a row lock on an account so concurrent debits of one wallet run one at a time. */
export async function lockLedgerAccount(tx: Tx, accountId: string) {
  await tx.$queryRaw`SELECT id FROM "LedgerAccount" WHERE id = ${accountId} FOR UPDATE`;
}

/**
 * Posts one balanced entry exactly once: a second call with the same idempotency key
 * returns the first entry and writes nothing.
 */
export async function postJournalEntry(tx: Tx, input: JournalEntryInput): Promise<{ entryId: string; created: boolean }> {
  assertBalanced(input);
  const id = randomUUID();
  const inserted = await tx.journalEntry.createMany({
    data: [{ id, idempotencyKey: input.idempotencyKey, kind: input.kind, description: input.description }],
    skipDuplicates: true,
  });
  if (inserted.count === 0) {
    const existing = await tx.journalEntry.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } });
    return { entryId: existing.id, created: false };
  }
  const postings = [];
  for (const p of input.postings) {
    const account = await ensureLedgerAccount(tx, p.account);
    postings.push({ entryId: id, accountId: account.id, amountCents: p.amountCents, currency: p.account.currency });
  }
  await tx.posting.createMany({ data: postings });
  return { entryId: id, created: true };
}

/** Sum of postings (debits positive) for an account code; 0 for an account never used. */
export async function sumPostingsCents(db: Tx | Db, code: string): Promise<bigint> {
  const result = await db.posting.aggregate({ where: { account: { code } }, _sum: { amountCents: true } });
  return result._sum.amountCents ?? 0n;
}

/** Balance as its owner reads it: credits are positive on liability and revenue accounts. */
export async function balanceCents(db: Tx | Db, spec: AccountSpec): Promise<bigint> {
  const sum = await sumPostingsCents(db, spec.code);
  return spec.type === "ASSET" || spec.type === "EXPENSE" ? sum : -sum;
}

/** Balances of several accounts in one query (as `balanceCents` reads each), keyed by account code. */
export async function balancesCents(db: Tx | Db, specs: AccountSpec[]): Promise<Map<string, bigint>> {
  const sums = await db.$queryRaw<Array<{ code: string; sum: bigint }>>`
    SELECT a.code, COALESCE(SUM(p."amountCents"), 0)::bigint AS sum FROM "LedgerAccount" a
    LEFT JOIN "Posting" p ON p."accountId" = a.id WHERE a.code = ANY(${specs.map((s) => s.code)}) GROUP BY a.code`;
  const sumByCode = new Map(sums.map((r) => [r.code, BigInt(r.sum)]));
  return new Map(
    specs.map((spec) => {
      const sum = sumByCode.get(spec.code) ?? 0n;
      return [spec.code, spec.type === "ASSET" || spec.type === "EXPENSE" ? sum : -sum];
    }),
  );
}

/** Every entry's postings sum to zero: the invariant a reconciliation run re-proves. */
export async function findUnbalancedEntries(db: Tx | Db): Promise<Array<{ entryId: string; sum: bigint }>> {
  const rows = await db.$queryRaw<Array<{ entryId: string; sum: bigint }>>`
    SELECT "entryId", SUM("amountCents")::bigint AS sum FROM "Posting"
    GROUP BY "entryId", currency HAVING SUM("amountCents") <> 0`;
  return rows;
}
