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
