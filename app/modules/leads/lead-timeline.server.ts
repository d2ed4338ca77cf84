import type { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";

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

/** Writes one step of the lead's life on its timeline (inside the transaction that made it happen). */
export async function recordLeadEvent(tx: Tx, leadId: string, type: LeadEventType, message: string, data?: Prisma.InputJsonValue) {
  await tx.leadEvent.create({ data: { leadId, type, message, data } });
}
