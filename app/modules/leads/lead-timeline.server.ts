import { txExecute } from "~/utils/db.server";
import { randomUUID } from "node:crypto";
import type { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";
import { txMemo } from "~/utils/tx-memo.server";

export type LeadEventType =
  | "received"
  | "check"
  | "verified"
  | "scored"
  | "accepted"
  | "held"
  | "reviewed"
  | "rejected"
  | "routing"
  | "sold"
  | "unsold"
  | "order-skipped"
  | "ping-post"
  | "delivery"
  | "postback"
  | "sale-reversed"
  | "earning"
  | "conversion"
  | "dispute";

type PendingEvent = { leadId: string; type: LeadEventType; message: string; data?: Prisma.InputJsonValue };
const PENDING = "timeline:pending";

/**
 * Writes one step of the lead's life on its timeline (inside the transaction that made it happen).
 * In a transaction that gathers its timeline (`withGatheredTimeline`) the line is kept in memory and
 * written with the others in one multi-row INSERT before the transaction commits: same lines, same
 * order (the seq column numbers the rows in the order given), same timestamp (the transaction's).
 */
export async function recordLeadEvent(tx: Tx, leadId: string, type: LeadEventType, message: string, data?: Prisma.InputJsonValue) {
  const pending = txMemo(tx).get(PENDING) as PendingEvent[] | undefined;
  if (pending) {
    pending.push({ leadId, type, message, ...(data === undefined ? {} : { data }) });
    return;
  }
  await tx.leadEvent.create({ data: { leadId, type, message, data } });
}

/** Runs `work` gathering the timeline lines it records, then writes them all in one statement (in the same transaction). */
export async function withGatheredTimeline<T>(tx: Tx, work: () => Promise<T>): Promise<T> {
  const memo = txMemo(tx);
  if (memo.has(PENDING)) return work();
  const pending: PendingEvent[] = [];
  memo.set(PENDING, pending);
  try {
    const result = await work();
    await flushGatheredTimeline(tx);
    return result;
  } finally {
    memo.delete(PENDING);
  }
}

/** Writes the lines gathered so far (also before anything in the transaction reads the timeline back). */
export async function flushGatheredTimeline(tx: Tx): Promise<void> {
  const pending = txMemo(tx).get(PENDING) as PendingEvent[] | undefined;
  if (!pending || pending.length === 0) return;
  const rows = pending.splice(0, pending.length).map((row) => ({ id: randomUUID(), ...row }));
  // Raw SQL: a batch writes hundreds of lines here, and Prisma's per-row compiling and shaping of
  // them cost more than the INSERT itself (ADR 010). `seq` is numbered in the order given (ORDER BY n).
  await txExecute(tx)`
    INSERT INTO "LeadEvent" (id, "leadId", type, message, data)
    SELECT r.v->>'id', r.v->>'leadId', r.v->>'type', r.v->>'message', r.v->'data'
    FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) WITH ORDINALITY AS r(v, n) ORDER BY n`;
}
