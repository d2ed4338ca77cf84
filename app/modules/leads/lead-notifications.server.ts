import { queueAffiliatePostback } from "~/modules/deliveries/affiliate-postbacks.server";
import { queueCrmWebhookForSale } from "~/modules/deliveries/crm-webhooks.server";
import type { AffiliatePostbackEvent } from "~/modules/deliveries/deliveries.schema";
import type { Tx } from "~/utils/db.server";

export { AFFILIATE_POSTBACK_EVENTS, type AffiliatePostbackEvent } from "~/modules/deliveries/deliveries.schema";

/**
 * Called in the transaction that moved the lead: queues the affiliate's postback for this event
 * (if the affiliate set a postback URL and chose this event).
 */
export async function notifyAffiliateOfLeadEvent(tx: Tx, leadId: string, event: AffiliatePostbackEvent): Promise<void> {
  await queueAffiliatePostback(tx, leadId, event);
}

/** Called in the transaction that recorded the sale: queues the CRM webhook when the order delivers by webhook. */
export async function notifyBuyerOfSale(tx: Tx, saleId: string): Promise<void> {
  await queueCrmWebhookForSale(tx, saleId);
}
