import { ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma, type Tx } from "~/utils/db.server";
import { flushDeferredWrites } from "~/utils/tx-memo.server";
import { centsToDecimal } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import { MACRO_PATTERN, type AffiliatePostbackEvent, type DeliveryLogFilter, type PostbackMacro, type PostbackSettings } from "./deliveries.schema";
import { listOwnDeliveries, queueOutboundDelivery } from "./outbound.server";
import { getOwnSigningSecret } from "./signing.server";

/** Fills a postback URL template: each macro becomes its URL-encoded value (unknown ones empty). */
export function fillPostbackTemplate(template: string, values: Record<PostbackMacro, string>): string {
  return template.replace(MACRO_PATTERN, (_, name: string) => encodeURIComponent(values[name as PostbackMacro] ?? ""));
}

/** What the lead earned the affiliate so far, from the ledger (its sales' postings to the affiliate). */
async function affiliateEarningCents(tx: Tx, lead: { id: string; affiliateId: string }, currency: string): Promise<number> {
  const { _sum } = await tx.posting.aggregate({
    _sum: { amountCents: true },
    where: { account: { code: ledgerAccounts.affiliateHeld(lead.affiliateId, currency).code }, entry: { sale: { leadId: lead.id } } },
  });
  // The affiliate's account is a liability: what it earned is credited (negative).
  return -Number(_sum.amountCents ?? 0n);
}

/** A conversion's own figures for the `converted` and `reversed` postbacks. */
export interface ConversionPostback {
  conversionId: string;
  /** A key unique to this firing (the conversion, or one of its reversals). */
  key: string;
  event: string | null;
  earningCents: number;
  saleAmountCents: number | null;
}

/** A firing's own reason and key when the lead's are not the ones to send (a return: its reason code, once per sale). */
export interface PostbackOccasion {
  reason: string;
  key: string;
}

/** Queues the affiliate's postback for a lead event, if it set a postback URL and chose this event. */
export async function queueAffiliatePostback(
  tx: Tx,
  leadId: string,
  event: AffiliatePostbackEvent,
  conversion?: ConversionPostback,
  occasion?: PostbackOccasion,
) {
  await flushDeferredWrites(tx);
  const lead = await tx.lead.findUniqueOrThrow({
    where: { id: leadId },
    include: { affiliate: { select: { postbackUrl: true, postbackEvents: true } }, offer: { select: { currency: true } } },
  });
  const template = lead.affiliate.postbackUrl;
  if (!template || !lead.affiliate.postbackEvents.includes(event)) return null;
  const subIds = (lead.subIds ?? {}) as Record<string, unknown>;
  const subId = (key: string) => (typeof subIds[key] === "string" || typeof subIds[key] === "number" ? String(subIds[key]) : "");
  const url = fillPostbackTemplate(template, {
    lead_id: lead.externalId,
    leadex_id: lead.id,
    s1: subId("s1"),
    s2: subId("s2"),
    s3: subId("s3"),
    s4: subId("s4"),
    s5: subId("s5"),
    status: lead.status.toLowerCase(),
    payout: centsToDecimal(conversion ? conversion.earningCents : await affiliateEarningCents(tx, lead, lead.offer.currency)),
    reason: occasion?.reason ?? lead.reasons.join(","),
    event,
    offer_id: lead.offerId,
    conversion_event: conversion ? (conversion.event ?? "sale") : "",
    sale_amount: conversion?.saleAmountCents != null ? centsToDecimal(conversion.saleAmountCents) : "",
    conversion_id: conversion?.conversionId ?? "",
  });
  return queueOutboundDelivery(tx, {
    kind: "AFFILIATE_POSTBACK",
    companyId: lead.affiliateId,
    leadId: lead.id,
    orderId: null,
    event,
    dedupeKey: conversion || occasion ? `postback:${lead.id}:${event}:${conversion?.key ?? occasion!.key}` : `postback:${lead.id}:${event}`,
    method: "GET",
    url,
    body: null,
  });
}

export async function getOwnPostbackSettings(actor: Actor) {
  requirePermission(actor, "read:delivery:own");
  const company = await prisma.company.findUniqueOrThrow({
    where: { id: actor.companyId },
    select: { postbackUrl: true, postbackEvents: true },
  });
  return { postbackUrl: company.postbackUrl, postbackEvents: company.postbackEvents as AffiliatePostbackEvent[] };
}

/** Saves the postback URL template and events (already validated by `postbackSettingsSchema`). */
export async function saveOwnPostbackSettings(actor: Actor, settings: PostbackSettings) {
  requirePermission(actor, "write:delivery:own");
  requirePermission(actor, "write:lead:own");
  await prisma.company.update({
    where: { id: actor.companyId },
    data: { postbackUrl: settings.postbackUrl, postbackEvents: [...new Set(settings.postbackEvents)] },
  });
}

/** The affiliate's Postbacks page: its postback settings, its signing secret, and a page of its postbacks (newest first, by status). */
export async function ownPostbacksPageView(actor: Actor, filter: DeliveryLogFilter) {
  const [settings, secret, page] = await Promise.all([
    getOwnPostbackSettings(actor),
    getOwnSigningSecret(actor),
    listOwnDeliveries(actor, "AFFILIATE_POSTBACK", filter),
  ]);
  return { settings, secret, deliveries: page.rows, nextCursor: page.nextCursor };
}
