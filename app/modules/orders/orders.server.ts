import { Prisma, type Offer } from "~/generated/prisma/client";
import { recordAudit } from "~/modules/audit/audit.server";
import { heldForCardDispute } from "~/modules/billing/chargebacks.server";
import { heldForOverdueInvoice } from "~/modules/billing/postpaid-invoices.server";
import { TEMPERATURES } from "~/modules/quality/quality.schema";
import { prisma } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { decodeKeysetCursor, keysetAfter, keysetPage, newestFirst } from "~/utils/keyset-cursor.server";
import { formatMoney } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import type { CreateOrderData, OrderStatusValue, OwnOrderListFilter } from "./orders.schema";
import { canChangeOrderStatus, ENTER_A_PRICE } from "./orders.schema";
import { changedOrderFields, EDITABLE_ORDER_FIELDS, type EditableOrderField, type EditableOrderValues } from "./order-edits";

type OrderOffer = Pick<Offer, "pricingModel" | "priceCents" | "currency">;

/**
 * The order's columns from the form, checked against the offer's terms. CPL: at or above the
 * offer's price (its base price and any price by temperature). CPA/CPS: no price per lead
 * (conversions pay the offer's terms), an optional reserve, and no external buyer (ping-post
 * prices leads, not conversions). The same rules when an order is opened and when it is edited.
 */
function orderColumns(offer: OrderOffer, data: CreateOrderData) {
  const { offerId: _offerId, schedule, ...settings } = data;
  if (offer.pricingModel !== "CPL") {
    if (data.pingUrl || data.postUrl) {
      throw new ValidationError(
        { pingUrl: `External buyers bid per lead; a ${offer.pricingModel} order pays per conversion instead` },
        "This order cannot be saved as it is",
      );
    }
    return { ...settings, priceCents: 0, pricing: {}, schedule: schedule ?? Prisma.DbNull };
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
  return { ...settings, priceCents: data.priceCents, schedule: schedule ?? Prisma.DbNull };
}

/** An advertiser opens an order on an active offer (see orderColumns). A paused offer is a conflict; an unknown offer is 404. */
export async function openOrder(actor: Actor, data: CreateOrderData) {
  requirePermission(actor, "write:order:own");
  const offer = await prisma.offer.findUnique({ where: { id: data.offerId } });
  if (!offer) throw new NotFoundError("Offer");
  if (offer.unlistedAt) throw new ConflictError("Leadex took this offer off the marketplace; it takes no new orders");
  if (offer.status !== "ACTIVE") throw new ConflictError("This offer is paused and takes no new orders");
  // While a card dispute or an overdue invoice holds the advertiser's orders, a new one starts held too.
  const hold = (await heldForCardDispute(prisma, actor.companyId))
    ? ({ status: "PAUSED", pauseReason: "CARD_DISPUTE" } as const)
    : (await heldForOverdueInvoice(prisma, actor.companyId))
      ? ({ status: "PAUSED", pauseReason: "INVOICE_OVERDUE" } as const)
      : {};
  return prisma.order.create({
    data: { ...orderColumns(offer, data), advertiserId: actor.companyId, offerId: offer.id, currency: offer.currency, ...hold },
  });
}

/** The editable columns of an order as stored (JSON NULL as null), to compare before and after. */
function editableValues(row: Record<EditableOrderField, unknown>): EditableOrderValues {
  return Object.fromEntries(EDITABLE_ORDER_FIELDS.map((field) => [field, row[field] === Prisma.DbNull ? null : (row[field] ?? null)])) as EditableOrderValues;
}

/**
 * The advertiser changes an open or paused order's price, caps, schedule, filters or delivery,
 * checked as when it was opened (against the offer's terms as they are now). The change and the
 * columns before and after are written to the audit log in the same transaction; a closed order
 * is final. Answers which columns changed (none: nothing written).
 */
export async function updateOwnOrder(actor: Actor, orderId: string, data: CreateOrderData): Promise<EditableOrderField[]> {
  requirePermission(actor, "write:order:own");
  const order = await prisma.order.findFirst({ where: { id: orderId, advertiserId: actor.companyId }, include: { offer: true } });
  if (!order) throw new NotFoundError("Order");
  if (order.status === "CLOSED") throw new ConflictError("This order is closed and cannot be changed; open a new order instead");
  const columns: Record<string, unknown> = orderColumns(order.offer, { ...data, offerId: order.offerId });
  // A setting emptied in the form is cleared (Prisma would keep the old value for `undefined`).
  const update = Object.fromEntries(EDITABLE_ORDER_FIELDS.map((field) => [field, columns[field] ?? null])) as Prisma.OrderUpdateManyMutationInput;
  const diff = changedOrderFields(editableValues(order), editableValues(update as Record<EditableOrderField, unknown>));
  if (diff.changed.length === 0) return [];
  await prisma.$transaction(async (tx) => {
    // Only while it is still not closed: a concurrent close wins.
    const updated = await tx.order.updateMany({ where: { id: order.id, advertiserId: actor.companyId, status: { not: "CLOSED" } }, data: update });
    if (updated.count === 0) throw new ConflictError("This order was closed meanwhile; it cannot be changed");
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "order.updated",
      targetType: ORDER_AUDIT_TARGET,
      targetId: order.id,
      data: { before: diff.before, after: diff.after } as Prisma.InputJsonObject,
    });
  });
  return diff.changed;
}

/** One of the advertiser's orders with its offer's terms and how many leads it bought. */
export async function getOwnOrder(actor: Actor, orderId: string) {
  requirePermission(actor, "read:order:own");
  const order = await prisma.order.findFirst({ where: { id: orderId, advertiserId: actor.companyId }, include: ownOrderInclude });
  if (!order) throw new NotFoundError("Order");
  return order;
}

/** What was changed on the advertiser's order, newest first: edits (before → after) and status changes, with who did them. */
export async function ownOrderHistory(actor: Actor, orderId: string) {
  requirePermission(actor, "read:order:own");
  const order = await prisma.order.findFirst({ where: { id: orderId, advertiserId: actor.companyId }, select: { id: true } });
  if (!order) throw new NotFoundError("Order");
  return prisma.auditLog.findMany({
    where: { targetType: ORDER_AUDIT_TARGET, targetId: order.id },
    orderBy: { createdAt: "desc" },
    take: 100,
    include: { actor: { select: { email: true } } },
  });
}

/** The leads the order bought last, newest first. */
export async function ownOrderRecentSales(actor: Actor, orderId: string, take = 10) {
  requirePermission(actor, "read:lead:bought");
  return prisma.leadSale.findMany({
    where: { orderId, advertiserId: actor.companyId },
    orderBy: { soldAt: "desc" },
    take,
    include: { lead: { select: { fields: true, qualityScore: true, temperature: true } } },
  });
}

export async function listOwnOrders(actor: Actor) {
  requirePermission(actor, "read:order:own");
  return prisma.order.findMany({ where: { advertiserId: actor.companyId }, orderBy: { createdAt: "desc" }, include: ownOrderInclude });
}

/** How many orders a page of the advertiser's order list shows. */
export const OWN_ORDERS_PAGE = 50;

/** One page of the advertiser's orders, newest first, by status and by part of the offer's title. */
export async function listOwnOrderPage(actor: Actor, filter: OwnOrderListFilter, pageSize = OWN_ORDERS_PAGE) {
  requirePermission(actor, "read:order:own");
  const where: Prisma.OrderWhereInput[] = [{ advertiserId: actor.companyId }, keysetAfter("createdAt", decodeKeysetCursor(filter.cursor))];
  if (filter.status) where.push({ status: filter.status });
  if (filter.q) where.push({ offer: { title: { contains: filter.q, mode: "insensitive" } } });
  const rows = await prisma.order.findMany({ where: { AND: where }, orderBy: newestFirst("createdAt"), take: pageSize + 1, include: ownOrderInclude });
  return keysetPage(rows, pageSize, (o) => o.createdAt);
}

/** The audit log's target type for orders. */
export const ORDER_AUDIT_TARGET = "Order";

const ownOrderInclude = {
  offer: {
    select: {
      title: true,
      vertical: true,
      distribution: true,
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
} satisfies Prisma.OrderInclude;

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
  await prisma.$transaction(async (tx) => {
    const result = await tx.order.updateMany({
      where: { id: orderId, advertiserId: actor.companyId, status: order.status },
      data: status === "CLOSED" ? { status, pauseReason: null } : { status },
    });
    if (result.count === 0) throw new ConflictError("This order changed meanwhile; reload the page and try again");
    await recordAudit(tx, {
      actorId: actor.userId,
      action: `order.${STATUS_VERBS[status]}`,
      targetType: ORDER_AUDIT_TARGET,
      targetId: orderId,
      data: { before: { status: order.status }, after: { status } },
    });
  });
}

const STATUS_VERBS: Record<OrderStatusValue, string> = { OPEN: "resumed", PAUSED: "paused", CLOSED: "closed" };
