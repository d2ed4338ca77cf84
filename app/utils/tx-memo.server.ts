import type { Tx } from "./db.server";

// What one transaction already knows, kept beside it for as long as it lives (a WeakMap on the
// transaction client): a batch of leads decided in one transaction reads a buyer's credit limit or
// an affiliate's postback settings once, not once per lead. Only for facts that cannot change under
// the transaction's feet in a way that matters, or that the transaction itself keeps up to date.

const memos = new WeakMap<object, Map<string, unknown>>();

/** The transaction's memo (created on first use). */
export function txMemo(tx: Tx | object): Map<string, unknown> {
  let memo = memos.get(tx);
  if (!memo) {
    memo = new Map();
    memos.set(tx, memo);
  }
  return memo;
}

/** The value under `key` in the transaction's memo, loading it once. */
export async function memoized<T>(tx: Tx, key: string, load: () => Promise<T>): Promise<T> {
  const memo = txMemo(tx);
  if (memo.has(key)) return memo.get(key) as T;
  const value = await load();
  memo.set(key, value);
  return value;
}

// Writes a batch defers to the end of its transaction (one multi-row statement each instead of one
// per lead). Only where nothing in the transaction reads them back before then; a reader that might
// (a postback reading the lead's status) calls `flushDeferredWrites` first.
const DEFERRED = "deferred-writes";

/**
 * Lets this transaction defer writes (a batch of leads); elsewhere every write happens at once.
 * `order` names the kinds that must be written in that order (rows referring to others' rows);
 * `now` is the transaction's own timestamp (what a column's DEFAULT now() would have written).
 */
export function allowDeferredWrites(tx: Tx, now: Date, order: string[] = []): void {
  const deferred = new Map<string, { rows: unknown[]; write: (rows: unknown[]) => Promise<void> }>();
  for (const key of order) deferred.set(key, { rows: [], write: async () => {} });
  txMemo(tx).set(DEFERRED, deferred);
  txMemo(tx).set(TX_NOW, now);
}

const TX_NOW = "deferred-writes:now";

/** The transaction's timestamp when it defers writes, else undefined. */
export function deferringAt(tx: Tx): Date | undefined {
  return txMemo(tx).get(TX_NOW) as Date | undefined;
}

/** Queues `row` for `write` (one call per key with every row queued under it) when the transaction defers writes; false otherwise. */
export function deferWrite<R>(tx: Tx, key: string, row: R, write: (rows: R[]) => Promise<void>): boolean {
  const deferred = txMemo(tx).get(DEFERRED) as Map<string, { rows: unknown[]; write: (rows: unknown[]) => Promise<void> }> | undefined;
  if (!deferred) return false;
  const queue = deferred.get(key);
  if (queue) {
    queue.rows.push(row);
    queue.write = write as (rows: unknown[]) => Promise<void>;
  } else deferred.set(key, { rows: [row], write: write as (rows: unknown[]) => Promise<void> });
  return true;
}

/** Writes everything deferred so far, in the order the kinds were first deferred. */
export async function flushDeferredWrites(tx: Tx): Promise<void> {
  const deferred = txMemo(tx).get(DEFERRED) as Map<string, { rows: unknown[]; write: (rows: unknown[]) => Promise<void> }> | undefined;
  if (!deferred) return;
  for (const queue of deferred.values()) {
    if (queue.rows.length === 0) continue;
    await queue.write(queue.rows.splice(0, queue.rows.length));
  }
}
