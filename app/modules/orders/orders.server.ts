import { prisma } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { formatMoney } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import type { CreateOrderData } from "./orders.schema";

/** An advertiser opens an order on an active offer at or above the offer's price. */
export async function openOrder(actor: Actor, data: CreateOrderData) {
  requirePermission(actor, "write:order:own");
  const offer = await prisma.offer.findFirst({ where: { id: data.offerId, status: "ACTIVE" } });
  if (!offer) throw new NotFoundError("Offer");
  if (data.priceCents < offer.priceCents) {
    throw new ValidationError(
      { priceCents: `The offer's price is ${formatMoney(offer.priceCents, offer.currency)}; bid at least that` },
      "Price below the offer's price",
    );
  }
  return prisma.order.create({
    data: {
      advertiserId: actor.companyId,
      offerId: offer.id,
      priceCents: data.priceCents,
      currency: offer.currency,
      dailyCap: data.dailyCap ?? null,
      filters: data.filters,
    },
  });
}

export async function listOwnOrders(actor: Actor) {
  requirePermission(actor, "read:order:own");
  return prisma.order.findMany({
    where: { advertiserId: actor.companyId },
    orderBy: { createdAt: "desc" },
    include: { offer: { select: { title: true, vertical: true } }, _count: { select: { sales: true } } },
  });
}

export async function setOwnOrderStatus(actor: Actor, orderId: string, status: "OPEN" | "PAUSED" | "CLOSED") {
  requirePermission(actor, "write:order:own");
  const result = await prisma.order.updateMany({ where: { id: orderId, advertiserId: actor.companyId }, data: { status } });
  if (result.count === 0) throw new NotFoundError("Order");
}
