import { txQuery, txExecute } from "~/utils/db.server";
import { randomUUID } from "node:crypto";
import type { LedgerAccountType } from "~/generated/prisma/enums";
import type { Db, Tx } from "~/utils/db.server";
import { DomainError } from "~/utils/errors";
import { deferWrite, deferringAt, flushDeferredWrites, txMemo } from "~/utils/tx-memo.server";
import { formatMoney } from "~/utils/money";

// Double-entry ledger: the source of truth for every balance. Positive postings are debits,
// negative are credits; every entry sums to zero per currency and is never edited, only
// reversed by a new entry. The ledger owns its invariants: an entry that would take an account
// below its floor is refused here, under the account's lock, so no caller can skip the check.

/** Whether an account of this type grows with debits (assets, expenses) or credits (liabilities, revenue). */
export function normalBalance(type: LedgerAccountType): "debit" | "credit" {
  return type === "ASSET" || type === "EXPENSE" ? "debit" : "credit";
}

/** The balance as the account's owner reads it from the sum of its postings (debits positive). */
export function ownerBalanceCents(type: LedgerAccountType, postingsSumCents: bigint): bigint {
  return normalBalance(type) === "debit" ? postingsSumCents : -postingsSumCents;
}

export interface AccountSpec {
  code: string;
  type: LedgerAccountType;
  companyId: string | null;
  currency: string;
}

export const ledgerAccounts = {
  stripeCash: (currency: string): AccountSpec => ({ code: `platform:stripe-cash:${currency}`, type: "ASSET", companyId: null, currency }),
  platformFees: (currency: string): AccountSpec => ({ code: `platform:fees:${currency}`, type: "REVENUE", companyId: null, currency }),
  /** What Stripe kept of the card payments it took (its fee on each top-up's charge). */
  stripeFees: (currency: string): AccountSpec => ({ code: `platform:stripe-fees:${currency}`, type: "EXPENSE", companyId: null, currency }),
  /** Returns an admin approved at the platform's cost: what the affiliate kept. */
  platformReturnCosts: (currency: string): AccountSpec => ({ code: `platform:return-costs:${currency}`, type: "EXPENSE", companyId: null, currency }),
  advertiserWallet: (companyId: string, currency: string): AccountSpec => ({
    code: `advertiser:${companyId}:wallet:${currency}`,
    type: "LIABILITY",
    companyId,
    currency,
  }),
  /** What the affiliate earned and the buyer may still return: not payable yet. */
  affiliateHeld: (companyId: string, currency: string): AccountSpec => ({
    code: `affiliate:${companyId}:held:${currency}`,
    type: "LIABILITY",
    companyId,
    currency,
  }),
  /** Earnings past their return window, less clawbacks: what the next payout pays (may go negative). */
  affiliateAvailable: (companyId: string, currency: string): AccountSpec => ({
    code: `affiliate:${companyId}:available:${currency}`,
    type: "LIABILITY",
    companyId,
    currency,
  }),
  /** Wallet money an admin is refunding, taken from the wallet before Stripe is asked, until Stripe's refund posts it out of cash. */
  refundsInFlight: (currency: string): AccountSpec => ({ code: `platform:refunds-in-flight:${currency}`, type: "LIABILITY", companyId: null, currency }),
};

export interface PostingInput {
  account: AccountSpec;
  amountCents: bigint;
}

/** An account the entry must not take below `floorCents` (as its owner reads the balance). */
export interface AccountFloor {
  account: AccountSpec;
  floorCents: bigint;
}

export interface JournalEntryInput {
  idempotencyKey: string;
  kind: string;
  description: string;
  postings: PostingInput[];
  /** Accounts checked against their floor under their row lock before anything is written. */
  floors?: AccountFloor[];
  /** The entry this one reverses (set by `postReversingEntry`). */
  reversesId?: string;
  /** The Stripe object whose balance transaction the entry books (a charge, refund, dispute, transfer...), for reconciliation. */
  stripeObjectId?: string;
}

export class UnbalancedEntryError extends Error {}

/** The entry would take an account below its floor; nothing was written. */
export class InsufficientBalanceError extends DomainError {
  constructor(
    readonly accountCode: string,
    readonly balanceCents: bigint,
    readonly neededCents: bigint,
    readonly floorCents: bigint,
    readonly currency: string,
  ) {
    super(
      `Account ${accountCode}: ${InsufficientBalanceError.shortfall(balanceCents, neededCents, floorCents, currency, "amount")}`,
      409,
      "insufficient_balance",
    );
  }

  /** "balance $20.00 is below the price $30.00", naming the credit limit when there is one. */
  describe(what: string): string {
    return InsufficientBalanceError.shortfall(this.balanceCents, this.neededCents, this.floorCents, this.currency, what);
  }

  private static shortfall(balance: bigint, needed: bigint, floor: bigint, currency: string, what: string): string {
    const credit = floor < 0n ? ` plus its credit limit ${formatMoney(-floor, currency)}` : "";
    return `balance ${formatMoney(balance, currency)}${credit} is below the ${what} ${formatMoney(needed, currency)}`;
  }
}

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

/** Ids of accounts known to be committed, by code: accounts are never deleted, so a process keeps them. */
const knownAccountIds = new Map<string, string>();

/** Forgets the known account ids (after a failed transaction, in case one was not what it seemed). */
export function forgetKnownLedgerAccounts() {
  knownAccountIds.clear();
}

/** The account's id, creating the account when it is new; no statement at all once the process has seen it committed. */
export async function ledgerAccountId(tx: Tx, spec: AccountSpec): Promise<string> {
  const known = knownAccountIds.get(spec.code);
  if (known) return known;
  const created = await tx.ledgerAccount.createMany({ data: [spec], skipDuplicates: true });
  const row = await tx.ledgerAccount.findUniqueOrThrow({ where: { code: spec.code }, select: { id: true } });
  // Only a row that was there before this transaction is remembered: one it created goes if it rolls back.
  if (created.count === 0) knownAccountIds.set(spec.code, row.id);
  return row.id;
}

/** The accounts this transaction holds a row lock on (held until it ends, so never taken twice). */
function lockedAccountIds(tx: Tx): Set<string> {
  const memo = txMemo(tx);
  let locked = memo.get("ledger:locked") as Set<string> | undefined;
  if (!locked) memo.set("ledger:locked", (locked = new Set()));
  return locked;
}

/**
 * Balances (postings sums) of accounts this transaction holds locked, by code: nobody else can post
 * to them until it ends and every posting goes through this module, which keeps them up to date.
 */
function lockedSums(tx: Tx): Map<string, bigint> {
  const memo = txMemo(tx);
  let sums = memo.get("ledger:sums") as Map<string, bigint> | undefined;
  if (!sums) memo.set("ledger:sums", (sums = new Map()));
  return sums;
}

/**
 * The balances of the accounts this transaction holds locked and has read, by code, as they stand
 * with its own postings: exact at its commit (nobody else could post to them meanwhile).
 */
export function heldBalances(tx: Tx): ReadonlyMap<string, bigint> {
  return new Map(lockedSums(tx));
}

/** Takes a row lock on an account so concurrent debits of one wallet run one at a time. */
export async function lockLedgerAccount(tx: Tx, accountId: string) {
  const locked = lockedAccountIds(tx);
  if (locked.has(accountId)) return;
  await txQuery(tx)`SELECT id FROM "LedgerAccount" WHERE id = ${accountId} FOR UPDATE`;
  locked.add(accountId);
}

/**
 * Locks several accounts in one statement, in id order (the order every locker uses, so none
 * deadlock). Answers how many it had to lock (0: this transaction held them all already).
 */
export async function lockLedgerAccounts(tx: Tx, accountIds: string[]): Promise<number> {
  const locked = lockedAccountIds(tx);
  const ids = [...new Set(accountIds)].filter((id) => !locked.has(id)).sort();
  if (ids.length === 0) return 0;
  await txQuery(tx)`SELECT id FROM "LedgerAccount" WHERE id = ANY(${ids}) ORDER BY id FOR UPDATE`;
  for (const id of ids) locked.add(id);
  return ids.length;
}

/** `balanceCents` of an account this transaction has locked (`accountId`), read once and then kept. */
async function lockedBalanceCents(tx: Tx, accountId: string, spec: AccountSpec): Promise<bigint> {
  const sums = lockedSums(tx);
  let sum = sums.get(spec.code);
  if (sum === undefined) {
    sum = await sumPostingsCents(tx, spec.code);
    if (lockedAccountIds(tx).has(accountId)) sums.set(spec.code, sum);
  }
  return ownerBalanceCents(spec.type, sum);
}

/** Keeps the kept balances of locked accounts true after postings were written in this transaction. */
function notePostings(tx: Tx, postings: PostingInput[]) {
  const sums = lockedSums(tx);
  for (const p of postings) {
    const sum = sums.get(p.account.code);
    if (sum !== undefined) sums.set(p.account.code, sum + p.amountCents);
  }
}

/**
 * Locks each floored account (in id order, so concurrent entries cannot deadlock) and says which
 * floor the entry would break, or null. Only movements towards the floor count: an entry that
 * raises a balance already below its floor (a recovery) goes through. Callers that must decide
 * before posting (a buyer to call first) ask this; `postJournalEntry` enforces it regardless.
 */
export async function findFloorBreach(tx: Tx, input: JournalEntryInput): Promise<InsufficientBalanceError | null> {
  if (!input.floors?.length) return null;
  const accounts: Array<{ floor: AccountFloor; id: string }> = [];
  for (const floor of input.floors) accounts.push({ floor, id: await ledgerAccountId(tx, floor.account) });
  await lockLedgerAccounts(
    tx,
    accounts.map((a) => a.id),
  );
  for (const { floor, id } of accounts) {
    const { account } = floor;
    const movementCents = ownerBalanceCents(
      account.type,
      input.postings.filter((p) => p.account.code === account.code).reduce((sum, p) => sum + p.amountCents, 0n),
    );
    if (movementCents >= 0n) continue;
    const balance = await lockedBalanceCents(tx, id, account);
    if (balance + movementCents < floor.floorCents) {
      return new InsufficientBalanceError(account.code, balance, -movementCents, floor.floorCents, account.currency);
    }
  }
  return null;
}

/**
 * Posts one balanced entry exactly once: a second call with the same idempotency key
 * returns the first entry and writes nothing (and checks no floor). An entry that would take a
 * floored account below its floor throws InsufficientBalanceError before anything is written.
 */
export async function postJournalEntry(tx: Tx, input: JournalEntryInput): Promise<{ entryId: string; created: boolean }> {
  assertBalanced(input);
  const absent = txMemo(tx).get(ABSENT_KEYS) as Set<string> | undefined;
  const earlier = absent?.has(input.idempotencyKey)
    ? null
    : await tx.journalEntry.findUnique({ where: { idempotencyKey: input.idempotencyKey }, select: { id: true } });
  if (earlier) return { entryId: earlier.id, created: false };
  const breach = await findFloorBreach(tx, input);
  if (breach) throw breach;
  const id = randomUUID();
  const createdAt = new Date();
  const entry = {
    id,
    idempotencyKey: input.idempotencyKey,
    kind: input.kind,
    description: input.description,
    reversesId: input.reversesId ?? null,
    stripeObjectId: input.stripeObjectId ?? null,
    createdAt,
  };
  // A batch writes its new entries and their postings in one INSERT each at its end: the key is
  // known to be free (prefetchAbsentEntryKeys) and the floors were checked just above, on balances
  // kept in memory; anything reading postings before then flushes them first (sumPostingsCents).
  if (absent?.has(input.idempotencyKey) && deferringAt(tx)) {
    deferWrite(tx, DEFERRED_ENTRIES, entry, (rows) => insertEntries(tx, rows));
    for (const p of input.postings) {
      const posting = { entryId: id, accountId: await ledgerAccountId(tx, p.account), amountCents: p.amountCents, currency: p.account.currency, createdAt };
      deferWrite(tx, DEFERRED_POSTINGS, posting, (rows) => insertPostings(tx, rows));
    }
    notePostings(tx, input.postings);
    absent.delete(input.idempotencyKey);
    return { entryId: id, created: true };
  }
  const inserted = await tx.journalEntry.createMany({ data: [entry], skipDuplicates: true });
  if (inserted.count === 0) {
    const existing = await tx.journalEntry.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } });
    return { entryId: existing.id, created: false };
  }
  const postings = [];
  for (const p of input.postings) {
    postings.push({ entryId: id, accountId: await ledgerAccountId(tx, p.account), amountCents: p.amountCents, currency: p.account.currency, createdAt });
  }
  await tx.posting.createMany({ data: postings });
  await keepWalletSums(tx, postings);
  notePostings(tx, input.postings);
  absent?.delete(input.idempotencyKey);
  return { entryId: id, created: true };
}

type EntryRow = {
  id: string;
  idempotencyKey: string;
  kind: string;
  description: string;
  reversesId: string | null;
  stripeObjectId: string | null;
  createdAt: Date;
};
type PostingRow = { entryId: string; accountId: string; amountCents: bigint; currency: string; createdAt: Date };

// A batch's entries and postings, one raw INSERT each (no Prisma query compiling per row: ADR 010).
async function insertEntries(tx: Tx, rows: EntryRow[]): Promise<void> {
  await txExecute(tx)`
    INSERT INTO "JournalEntry" (id, "idempotencyKey", kind, description, "reversesId", "stripeObjectId", "createdAt")
    SELECT r.id, r."idempotencyKey", r.kind, r.description, r."reversesId", r."stripeObjectId", r."createdAt"
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS r(id text, "idempotencyKey" text, kind text, description text, "reversesId" text, "stripeObjectId" text, "createdAt" timestamp(3))`;
}

async function insertPostings(tx: Tx, rows: PostingRow[]): Promise<void> {
  const json = JSON.stringify(rows.map((r) => ({ ...r, id: randomUUID(), amountCents: r.amountCents.toString() })));
  await txExecute(tx)`
    INSERT INTO "Posting" (id, "entryId", "accountId", "amountCents", currency, "createdAt")
    SELECT r.id, r."entryId", r."accountId", r."amountCents", r.currency, r."createdAt"
    FROM jsonb_to_recordset(${json}::jsonb) AS r(id text, "entryId" text, "accountId" text, "amountCents" bigint, currency text, "createdAt" timestamp(3))`;
  await keepWalletSums(tx, rows);
}

/**
 * Adds postings just inserted to their wallets' kept sums (LedgerAccount.walletPostingsSum, read by
 * `readLockedBalances` instead of the whole history). Every posting insert of the ledger calls it
 * in the same transaction; wallet rows are locked in id order first, as everywhere else.
 */
async function keepWalletSums(tx: Tx, postings: Array<{ accountId: string; amountCents: bigint | number }>): Promise<void> {
  const totals = new Map<string, bigint>();
  for (const p of postings) totals.set(p.accountId, (totals.get(p.accountId) ?? 0n) + BigInt(p.amountCents));
  if (totals.size === 0) return;
  const ids = [...totals.keys()].sort();
  await txExecute(tx)`
    WITH wallet AS (
      SELECT id FROM "LedgerAccount" WHERE id = ANY(${ids}::text[]) AND code LIKE 'advertiser:%:wallet:%' ORDER BY id FOR UPDATE
    )
    UPDATE "LedgerAccount" a SET "walletPostingsSum" = COALESCE(a."walletPostingsSum", 0) + d.total
    FROM wallet w, unnest(${ids}::text[], ${ids.map((id) => totals.get(id)!.toString())}::bigint[]) AS d(id, total)
    WHERE a.id = w.id AND d.id = w.id`;
}

/**
 * Reads the balances of wallets this transaction has just locked, in one statement, and keeps them
 * for `findFloorBreach` (which then reads none): a batch routing many leads to the same buyers.
 */
export async function readLockedBalances(tx: Tx, accounts: Array<{ id: string; spec: AccountSpec }>): Promise<void> {
  const locked = lockedAccountIds(tx);
  const sums = lockedSums(tx);
  const wanted = accounts.filter((a) => locked.has(a.id) && !sums.has(a.spec.code));
  if (wanted.length === 0) return;
  await flushDeferredWrites(tx);
  // A wallet's sum is kept on its row by the database (walletPostingsSum); other accounts add theirs up.
  const rows = await txQuery<Array<{ accountId: string; sum: bigint }>>(tx)`
    SELECT a.id AS "accountId",
      CASE WHEN a.code LIKE 'advertiser:%:wallet:%' THEN COALESCE(a."walletPostingsSum", 0)
           ELSE (SELECT COALESCE(SUM(p."amountCents"), 0) FROM "Posting" p WHERE p."accountId" = a.id) END::bigint AS sum
    FROM "LedgerAccount" a WHERE a.id = ANY(${wanted.map((a) => a.id)}::text[])`;
  const sumById = new Map(rows.map((r) => [r.accountId, BigInt(r.sum)]));
  for (const { id, spec } of wanted) sums.set(spec.code, sumById.get(id) ?? 0n);
}

const ABSENT_KEYS = "absent-entry-keys";
/** The deferred-write kinds of the ledger (entries before their postings), for `allowDeferredWrites`. */
export const DEFERRED_ENTRIES = "journal-entries";
export const DEFERRED_POSTINGS = "postings";

/**
 * Reads in one query which of these idempotency keys no entry has yet, so `postJournalEntry` skips
 * its own lookup for them in this transaction. Only for keys nobody else can post while the
 * transaction runs (a batch's lead-sale keys: the batch holds those leads' row locks); the INSERT
 * still skips a duplicate key.
 */
export async function prefetchAbsentEntryKeys(tx: Tx, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const present = await txQuery<Array<{ idempotencyKey: string }>>(tx)`
    SELECT "idempotencyKey" FROM "JournalEntry" WHERE "idempotencyKey" = ANY(${keys})`;
  const taken = new Set(present.map((e) => e.idempotencyKey));
  const memo = txMemo(tx);
  let absent = memo.get(ABSENT_KEYS) as Set<string> | undefined;
  if (!absent) memo.set(ABSENT_KEYS, (absent = new Set()));
  for (const key of keys) if (!taken.has(key)) absent.add(key);
}

/**
 * Reverses an entry with a new one carrying the opposite postings, linked by `reversesId`.
 * Idempotent on its own key; an entry is reversed at most once (a second reversal under another
 * key returns the first). Floors apply as to any entry.
 */
export async function postReversingEntry(
  tx: Tx,
  input: { entryId: string; idempotencyKey: string; kind: string; description: string; floors?: AccountFloor[]; stripeObjectId?: string },
): Promise<{ entryId: string; created: boolean }> {
  const original = await tx.journalEntry.findUniqueOrThrow({
    where: { id: input.entryId },
    include: { postings: { include: { account: true } }, reversedBy: { select: { id: true } } },
  });
  if (original.reversedBy) return { entryId: original.reversedBy.id, created: false };
  return postJournalEntry(tx, {
    idempotencyKey: input.idempotencyKey,
    kind: input.kind,
    description: input.description,
    reversesId: original.id,
    floors: input.floors,
    stripeObjectId: input.stripeObjectId,
    postings: original.postings.map((p) => ({
      account: { code: p.account.code, type: p.account.type, companyId: p.account.companyId, currency: p.account.currency },
      amountCents: -p.amountCents,
    })),
  });
}

/** Sum of postings (debits positive) for an account code; 0 for an account never used. */
export async function sumPostingsCents(db: Tx | Db, code: string): Promise<bigint> {
  await flushDeferredWrites(db as Tx);
  const result = await db.posting.aggregate({ where: { account: { code } }, _sum: { amountCents: true } });
  return result._sum.amountCents ?? 0n;
}

/** Balance as its owner reads it: credits are positive on liability and revenue accounts. */
export async function balanceCents(db: Tx | Db, spec: AccountSpec): Promise<bigint> {
  return ownerBalanceCents(spec.type, await sumPostingsCents(db, spec.code));
}

/** Balances of several accounts in one query (as `balanceCents` reads each), keyed by account code. */
export async function balancesCents(db: Tx | Db, specs: AccountSpec[]): Promise<Map<string, bigint>> {
  await flushDeferredWrites(db as Tx);
  const sums = await db.$queryRaw<Array<{ code: string; sum: bigint }>>`
    SELECT a.code, COALESCE(SUM(p."amountCents"), 0)::bigint AS sum FROM "LedgerAccount" a
    LEFT JOIN "Posting" p ON p."accountId" = a.id WHERE a.code = ANY(${specs.map((s) => s.code)}) GROUP BY a.code`;
  const sumByCode = new Map(sums.map((r) => [r.code, BigInt(r.sum)]));
  return new Map(
    specs.map((spec) => {
      return [spec.code, ownerBalanceCents(spec.type, sumByCode.get(spec.code) ?? 0n)];
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

/** One entry of a batch: posted (new or already there under its key) or refused by a floor. */
export type BatchEntryResult = { entryId: string; created: boolean } | { refused: InsufficientBalanceError };

/**
 * Posts many entries in one go, each exactly once (keys already used return their entry), checking
 * them in order against one floored account under its lock: an entry that would take it below its
 * floor is refused (nothing written for it) and the ones after it are still tried against the
 * running balance, as if each were posted alone. A handful of statements for the whole batch:
 * the hot path of billing many conversions of one wallet (ADR 006).
 */
export async function postJournalEntryBatch(tx: Tx, inputs: JournalEntryInput[], floor: AccountFloor): Promise<BatchEntryResult[]> {
  for (const input of inputs) assertBalanced(input);
  const earlier = await tx.journalEntry.findMany({
    where: { idempotencyKey: { in: inputs.map((i) => i.idempotencyKey) } },
    select: { id: true, idempotencyKey: true },
  });
  const earlierByKey = new Map(earlier.map((e) => [e.idempotencyKey, e.id]));
  const specs = new Map<string, AccountSpec>([[floor.account.code, floor.account]]);
  for (const input of inputs) for (const p of input.postings) specs.set(p.account.code, p.account);
  await tx.ledgerAccount.createMany({ data: [...specs.values()], skipDuplicates: true });
  const accounts = await tx.ledgerAccount.findMany({ where: { code: { in: [...specs.keys()] } }, select: { id: true, code: true } });
  const accountIds = new Map(accounts.map((a) => [a.code, a.id]));
  await lockLedgerAccount(tx, accountIds.get(floor.account.code)!);
  let balance = await balanceCents(tx, floor.account);

  const results: BatchEntryResult[] = [];
  const createdAt = new Date();
  const entries: Array<{ id: string; idempotencyKey: string; kind: string; description: string; reversesId: string | null; createdAt: Date }> = [];
  const postings: Array<{ entryId: string; accountId: string; amountCents: bigint; currency: string; createdAt: Date }> = [];
  const writtenPostings: PostingInput[] = [];
  for (const input of inputs) {
    const existing = earlierByKey.get(input.idempotencyKey);
    if (existing) {
      results.push({ entryId: existing, created: false });
      continue;
    }
    const movement = ownerBalanceCents(
      floor.account.type,
      input.postings.filter((p) => p.account.code === floor.account.code).reduce((sum, p) => sum + p.amountCents, 0n),
    );
    if (movement < 0n && balance + movement < floor.floorCents) {
      results.push({ refused: new InsufficientBalanceError(floor.account.code, balance, -movement, floor.floorCents, floor.account.currency) });
      continue;
    }
    balance += movement;
    writtenPostings.push(...input.postings);
    const id = randomUUID();
    entries.push({
      id,
      idempotencyKey: input.idempotencyKey,
      kind: input.kind,
      description: input.description,
      reversesId: input.reversesId ?? null,
      createdAt,
    });
    for (const p of input.postings)
      postings.push({ entryId: id, accountId: accountIds.get(p.account.code)!, amountCents: p.amountCents, currency: p.account.currency, createdAt });
    earlierByKey.set(input.idempotencyKey, id);
    results.push({ entryId: id, created: true });
  }
  if (entries.length > 0) {
    await tx.journalEntry.createMany({ data: entries });
    await tx.posting.createMany({ data: postings });
    await keepWalletSums(tx, postings);
    notePostings(tx, writtenPostings);
  }
  return results;
}
