import type { Tx } from "~/utils/db.server";

/** Lead events affiliates can receive postbacks for. */
export const AFFILIATE_POSTBACK_EVENTS = ["accepted", "rejected", "sold", "returned", "converted"] as const;
export type AffiliatePostbackEvent = (typeof AFFILIATE_POSTBACK_EVENTS)[number];

/**
 * Called in the transaction that moved the lead: queues the affiliate's postback for this event
 * (if the affiliate set a postback URL and chose this event). Filled in by modules/deliveries.
 */
export async function notifyAffiliateOfLeadEvent(_tx: Tx, _leadId: string, _event: AffiliatePostbackEvent): Promise<void> {}

/** Called in the transaction that recorded the sale: queues the CRM webhook when the order delivers by webhook. */
export async function notifyBuyerOfSale(_tx: Tx, _saleId: string): Promise<void> {}
