import type { Lead, LeadSale, Order } from "~/generated/prisma/client";
import type { PricingModel } from "~/generated/prisma/enums";
import { notifyBuyerOfSale } from "~/modules/leads/lead-notifications.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import type { Tx } from "~/utils/db.server";
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
  const sale = await tx.leadSale.create({
    data: {
      leadId: lead.id,
      orderId: order.id,
      advertiserId: order.advertiserId,
      pricingModel: assignment.pricingModel,
      priceCents: assignment.priceCents,
      feeCents: assignment.feeCents,
      currency: order.currency,
      journalEntryId: assignment.journalEntryId,
    },
  });
  await tx.order.update({ where: { id: order.id }, data: { lastSoldAt: sale.soldAt } });
  const terms =
    assignment.journalEntryId !== null
      ? `at ${formatMoney(assignment.priceCents, order.currency)}`
      : `on ${assignment.pricingModel} terms, billed per conversion`;
  await recordLeadEvent(tx, lead.id, "sold", `Sold on order ${order.id} ${terms}`, { orderId: order.id, priceCents: assignment.priceCents });
  await notifyBuyerOfSale(tx, sale.id, order);
  return sale;
}
