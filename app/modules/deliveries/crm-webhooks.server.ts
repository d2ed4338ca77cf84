import type { Tx } from "~/utils/db.server";
import { flushDeferredWrites } from "~/utils/tx-memo.server";
import { buyerLeadView, soldLeadInclude } from "./buyer-leads.server";
import { queueOutboundDelivery } from "./outbound.server";

/** The JSON a buyer's CRM receives for a lead sold to one of its webhook orders. */
export function crmWebhookBody(view: ReturnType<typeof buyerLeadView>): string {
  return JSON.stringify({ event: "lead.sold", lead: view });
}

/** Queues the CRM webhook for a sale when its order delivers by webhook (once per sale). */
export async function queueCrmWebhookForSale(tx: Tx, saleId: string) {
  await flushDeferredWrites(tx);
  const sale = await tx.leadSale.findUniqueOrThrow({ where: { id: saleId }, include: { ...soldLeadInclude, order: true } });
  if (sale.order.delivery !== "WEBHOOK" || !sale.order.webhookUrl) return null;
  return queueOutboundDelivery(tx, {
    kind: "CRM_WEBHOOK",
    companyId: sale.advertiserId,
    leadId: sale.leadId,
    orderId: sale.orderId,
    event: "sold",
    dedupeKey: `crm:${sale.id}`,
    method: "POST",
    url: sale.order.webhookUrl,
    body: crmWebhookBody(buyerLeadView(sale)),
  });
}
