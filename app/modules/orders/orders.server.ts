import { Prisma } from "~/generated/prisma/client";
import { heldForCardDispute } from "~/modules/billing/chargebacks.server";
import { heldForOverdueInvoice } from "~/modules/billing/postpaid-invoices.server";
import { TEMPERATURES } from "~/modules/quality/quality.schema";
import { prisma } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { formatMoney } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import type { CreateOrderData, OrderStatusValue } from "./orders.schema";
import { canChangeOrderStatus, ENTER_A_PRICE } from "./orders.schema";

/**
 * An advertiser opens an order on an active offer. CPL: at or above the offer's price (its base
 * price and any price by temperature). CPA/CPS: no price per lead (conversions pay the offer's
 * terms), an optional reserve, and no external buyer (ping-post prices leads, not conversions).
 * A paused offer is a conflict; an unknown offer is 404.
 */
export async function openOrder(actor: Actor, data: CreateOrderData) {
  requirePermission(actor, "write:order:own");
  const offer = await prisma.offer.findUnique({ where: { id: data.offerId } });
  if (!offer) throw new NotFoundError("Offer");
  if (offer.unlistedAt) throw new ConflictError("Leadex took this offer off the marketplace; it takes no new orders");
  if (offer.status !== "ACTIVE") throw new ConflictError("This offer is paused and takes no new orders");
  const { offerId, schedule, ...settings } = data;
  // While a card dispute or an overdue invoice holds the advertiser's orders, a new one starts held too.
  const hold = (await heldForCardDispute(prisma, actor.companyId))
    ? ({ status: "PAUSED", pauseReason: "CARD_DISPUTE" } as const)
    : (await heldForOverdueInvoice(prisma, actor.companyId))
      ? ({ status: "PAUSED", pauseReason: "INVOICE_OVERDUE" } as const)
      : {};
  if (offer.pricingModel !== "CPL") {
    const errors: Record<string, string> = {};
    if (data.pingUrl || data.postUrl) errors.pingUrl = `External buyers bid per lead; a ${offer.pricingModel} order pays per conversion instead`;
    if (Object.keys(errors).length > 0) throw new ValidationError(errors, "This order cannot be opened as it is");
    return prisma.order.create({
      data: {
        ...settings,
        priceCents: 0,
        pricing: {},
        advertiserId: actor.companyId,
        offerId,
        currency: offer.currency,
        schedule: schedule ?? Prisma.DbNull,
        ...hold,
      },
    });
  }
  if (data.priceCents === undefined) throw new ValidationError({ priceCents: ENTER_A_PRICE }, "Enter your price per lead", 400);
  const belowOfferPrice = `The offer's price is ${formatMoney(offer.priceCents, offer.currency)}; bid at least that`;
  const priceErrors: Record<string, string> = {};
  if (data.priceCents < offer.priceCents) priceErrors.priceCents = belowOfferPrice;
  for (const temperature of TEMPERATURES) {
    const cents = data.pricing.temperature?.[temperature];
    if (cents !== undefined && cents < offer.priceCents) priceErrors[`pricing.temperature.${temperature}`] = belowOfferPrice;
  }
  if (Object.keys(priceErrors).length > 0) throw new ValidationError(priceErrors, "Price below the offer's price");
  // Settings left out (no cap, no webhook ...) are stored as NULL.
  return prisma.order.create({
    data: {
      ...settings,
      priceCents: data.priceCents,
      advertiserId: actor.companyId,
      offerId,
      currency: offer.currency,
      schedule: schedule ?? Prisma.DbNull,
      ...hold,
    },
  });
}

export async function listOwnOrders(actor: Actor) {
  requirePermission(actor, "read:order:own");
  return prisma.order.findMany({
    where: { advertiserId: actor.companyId },
    orderBy: { createdAt: "desc" },
    include: {
      offer: {
        select: {
          title: true,
          vertical: true,
          pricingModel: true,
          currency: true,
          priceCents: true,
          conversionEvents: true,
          salePercentBps: true,
          saleMinCents: true,
          saleMaxCents: true,
          attributionWindowDays: true,
          lockPeriodDays: true,
          allowsLockedAdjustments: true,
        },
      },
      _count: { select: { sales: true } },
    },
  });
}

/**
 * Pauses, resumes or closes one of the advertiser's orders: OPEN ↔ PAUSED, OPEN/PAUSED → CLOSED.
 * CLOSED is final. Asking for the status the order already has changes nothing.
 */
export async function setOwnOrderStatus(actor: Actor, orderId: string, status: OrderStatusValue) {
  requirePermission(actor, "write:order:own");
  const order = await prisma.order.findFirst({ where: { id: orderId, advertiserId: actor.companyId }, select: { status: true, pauseReason: true } });
  if (!order) throw new NotFoundError("Order");
  if (order.status === status) return;
  if (status === "OPEN" && (order.pauseReason === "CARD_DISPUTE" || (await heldForCardDispute(prisma, actor.companyId)))) {
    throw new ConflictError(
      "Your orders are paused because a payment to your wallet is disputed with your card's bank; Leadex resumes them once the dispute is settled",
    );
  }
  if (status === "OPEN" && order.pauseReason === "COMPANY_SUSPENDED") throw new ConflictError("Your orders are paused while Leadex has suspended your account");
  if (status === "OPEN" && (order.pauseReason === "INVOICE_OVERDUE" || (await heldForOverdueInvoice(prisma, actor.companyId)))) {
    throw new ConflictError("Your orders are paused because an invoice is overdue; they resume as soon as it is paid (see Billing)");
  }
  if (!canChangeOrderStatus(order.status, status)) {
    throw new ConflictError(
      order.status === "CLOSED"
        ? "This order is closed and cannot be changed; open a new order instead"
        : `An order cannot go from ${order.status} to ${status}`,
    );
  }
  // Only from the status just read, so a concurrent change cannot be overwritten (e.g. reopening a just-closed order).
  const result = await prisma.order.updateMany({
    where: { id: orderId, advertiserId: actor.companyId, status: order.status },
    data: status === "CLOSED" ? { status, pauseReason: null } : { status },
  });
  if (result.count === 0) throw new ConflictError("This order changed meanwhile; reload the page and try again");
}
