import { txQuery } from "~/utils/db.server";
import { queueAffiliatePostback } from "~/modules/deliveries/affiliate-postbacks.server";
import { queueCrmWebhookForSale } from "~/modules/deliveries/crm-webhooks.server";
import type { AffiliatePostbackEvent } from "~/modules/deliveries/deliveries.schema";
import type { Order } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";
import { memoized } from "~/utils/tx-memo.server";

export { AFFILIATE_POSTBACK_EVENTS, type AffiliatePostbackEvent } from "~/modules/deliveries/deliveries.schema";

/** Whether the affiliate takes postbacks for this event (read once per transaction and affiliate). */
async function affiliateWantsPostback(tx: Tx, affiliateId: string, event: AffiliatePostbackEvent): Promise<boolean> {
  const settings = await memoized(tx, `postback-settings:${affiliateId}`, async () => {
    const rows = await txQuery<Array<{ postbackUrl: string | null; postbackEvents: string[] }>>(tx)`
      SELECT "postbackUrl", "postbackEvents" FROM "Company" WHERE id = ${affiliateId}`;
    return rows[0];
  });
  return Boolean(settings?.postbackUrl && settings.postbackEvents.includes(event));
}

/**
 * Called in the transaction that moved the lead: queues the affiliate's postback for this event
 * (if the affiliate set a postback URL and chose this event). Given the lead's affiliate, an
 * affiliate that takes no postback for the event costs no read of the lead.
 */
export async function notifyAffiliateOfLeadEvent(tx: Tx, leadId: string, event: AffiliatePostbackEvent, affiliateId?: string): Promise<void> {
  if (affiliateId !== undefined && !(await affiliateWantsPostback(tx, affiliateId, event))) return;
  await queueAffiliatePostback(tx, leadId, event);
}

/**
 * Called in the transaction that recorded the sale: queues the CRM webhook when the order delivers
 * by webhook. Given the order as read in this transaction, other orders cost no read of the sale.
 */
export async function notifyBuyerOfSale(tx: Tx, saleId: string, order?: Pick<Order, "delivery" | "webhookUrl">): Promise<void> {
  if (order && (order.delivery !== "WEBHOOK" || !order.webhookUrl)) return;
  await queueCrmWebhookForSale(tx, saleId);
}
