import { txExecute } from "~/utils/db.server";
import type { Lead, LeadSale, Order } from "~/generated/prisma/client";
import type { PricingModel } from "~/generated/prisma/enums";
import { notifyBuyerOfSale } from "~/modules/leads/lead-notifications.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { randomUUID } from "node:crypto";
import type { Tx } from "~/utils/db.server";
import { deferWrite, deferringAt, txMemo } from "~/utils/tx-memo.server";
import { formatMoney } from "~/utils/money";

export interface LeadAssignment {
  pricingModel: PricingModel;
  /** What the buyer was charged for the lead itself (0 when billed on conversion). */
  priceCents: number;
  feeCents: number;
  /** The charge's journal entry, when the lead was charged on assignment. */
  journalEntryId: string | null;
}

/**
 * Gives a lead to an order: the sale row (one per lead and order), the order's last sale time,
 * a line on the lead's timeline and the buyer's delivery. Charging is the billing module's part.
 */
export async function assignLeadToOrder(tx: Tx, lead: Lead, order: Order, assignment: LeadAssignment): Promise<LeadSale> {
  const data = {
    leadId: lead.id,
    orderId: order.id,
    advertiserId: order.advertiserId,
    pricingModel: assignment.pricingModel,
    priceCents: assignment.priceCents,
    feeCents: assignment.feeCents,
    currency: order.currency,
    journalEntryId: assignment.journalEntryId,
  };
  const sale = await saleRow(tx, data, order.delivery === "WEBHOOK");
  // A batch writes its orders' last sale times in one UPDATE at its end; its routing reads them from memory meanwhile.
  const lastSoldAt = nextLastSoldAt(tx, sale.soldAt);
  if (deferWrite(tx, DEFERRED_LAST_SOLD, { id: order.id, at: lastSoldAt }, (rows) => writeLastSoldAt(tx, rows))) {
    pendingLastSoldAt(tx).set(order.id, lastSoldAt);
  } else {
    await tx.order.update({ where: { id: order.id }, data: { lastSoldAt } });
  }
  const terms =
    assignment.journalEntryId !== null
      ? `at ${formatMoney(assignment.priceCents, order.currency)}`
      : `on ${assignment.pricingModel} terms, billed per conversion`;
  await recordLeadEvent(tx, lead.id, "sold", `Sold on order ${order.id} ${terms}`, { orderId: order.id, priceCents: assignment.priceCents });
  await notifyBuyerOfSale(tx, sale.id, order);
  return sale;
}

/** Deferred-write kinds of a sale (after the ledger's entries it refers to), for `allowDeferredWrites`. */
export const DEFERRED_SALES = "lead-sales";
export const DEFERRED_LAST_SOLD = "order-last-sold";

type SaleData = Omit<LeadSale, "id" | "soldAt" | "deliveredAt" | "contactedAt" | "contactedById">;

/**
 * The sale row: written at once, or in a batch queued for one INSERT at its end, sold at the
 * transaction's time as the column's default would be. A lead bought in the portal (or by CSV pull)
 * is the buyer's when sold; a webhook buyer has it when its CRM accepts the delivery.
 */
async function saleRow(tx: Tx, data: SaleData, deliveredLater: boolean): Promise<LeadSale> {
  const soldAt = deferringAt(tx) ?? new Date();
  const sale: LeadSale = { id: randomUUID(), ...data, soldAt, deliveredAt: deliveredLater ? null : soldAt, contactedAt: null, contactedById: null };
  if (deferWrite(tx, DEFERRED_SALES, sale, (rows) => insertSales(tx, rows))) return sale;
  return tx.leadSale.create({ data: sale });
}

/** A batch's sale rows in one raw INSERT (no Prisma query compiling per row: ADR 010). */
async function insertSales(tx: Tx, rows: LeadSale[]): Promise<void> {
  await txExecute(tx)`
    INSERT INTO "LeadSale" (id, "leadId", "orderId", "advertiserId", "pricingModel", "priceCents", "feeCents", currency, "journalEntryId", "soldAt", "deliveredAt")
    SELECT r.id, r."leadId", r."orderId", r."advertiserId", r."pricingModel"::"PricingModel", r."priceCents", r."feeCents", r.currency, r."journalEntryId",
      r."soldAt", r."deliveredAt"
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id text, "leadId" text, "orderId" text, "advertiserId" text, "pricingModel" text,
      "priceCents" int, "feeCents" int, currency text, "journalEntryId" text, "soldAt" timestamp(3), "deliveredAt" timestamp(3))`;
}

/** Last sale times this transaction has not written yet, by order id. */
function pendingLastSoldAt(tx: Tx): Map<string, Date> {
  const memo = txMemo(tx);
  let pending = memo.get(DEFERRED_LAST_SOLD) as Map<string, Date> | undefined;
  if (!pending) memo.set(DEFERRED_LAST_SOLD, (pending = new Map()));
  return pending;
}

const ROUND_ROBIN_CLOCK = "round-robin-clock";

/** Notes the latest last-sale time this transaction has read or given. */
function noteLastSoldAt(tx: Tx, at: Date | null) {
  const memo = txMemo(tx);
  const latest = memo.get(ROUND_ROBIN_CLOCK) as Date | undefined;
  if (at && (!latest || at > latest)) memo.set(ROUND_ROBIN_CLOCK, at);
}

/**
 * The last-sale time a sale gives its order: after every one the transaction has read under its
 * wallet locks or given. A sale's time is its transaction's start, and a transaction that waited
 * for another's wallet locks started before it, so that time would put its sale behind the other's
 * and round-robin would give the same order turn after turn (a batch's sales also share one time).
 */
function nextLastSoldAt(tx: Tx, soldAt: Date): Date {
  const latest = txMemo(tx).get(ROUND_ROBIN_CLOCK) as Date | undefined;
  const at = latest && latest.getTime() >= soldAt.getTime() ? new Date(latest.getTime() + 1) : soldAt;
  noteLastSoldAt(tx, at);
  return at;
}

/** Orders as this transaction sees them, with the last sale times it has not written yet. */
export function withPendingLastSoldAt<T extends Pick<Order, "id" | "lastSoldAt">>(tx: Tx, orders: T[]): T[] {
  for (const o of orders) noteLastSoldAt(tx, o.lastSoldAt);
  const pending = txMemo(tx).get(DEFERRED_LAST_SOLD) as Map<string, Date> | undefined;
  if (!pending || pending.size === 0) return orders;
  return orders.map((o) => (pending.has(o.id) ? { ...o, lastSoldAt: pending.get(o.id)! } : o));
}

async function writeLastSoldAt(tx: Tx, rows: Array<{ id: string; at: Date }>) {
  const latest = new Map<string, Date>();
  for (const row of rows) if (!latest.has(row.id) || latest.get(row.id)! < row.at) latest.set(row.id, row.at);
  const ids = [...latest.keys()];
  const ats = ids.map((id) => latest.get(id)!.toISOString());
  await txExecute(tx)`
    UPDATE "Order" AS o SET "lastSoldAt" = v.at::timestamp(3)
    FROM unnest(${ids}::text[], ${ats}::text[]) AS v(id, at) WHERE o.id = v.id`;
  // The pending times stay laid over the orders the batch read once at its start: they are now
  // written, but that read still holds the old ones (forgetting them here gave one order every turn
  // after a cap check flushed the batch's writes).
}
