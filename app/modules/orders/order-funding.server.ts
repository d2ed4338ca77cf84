import type { Order } from "~/generated/prisma/client";
import { orderReserveCents } from "~/modules/conversions/conversion-reserve.server";
import { defaultReserveCents, type TermsOffer } from "~/modules/conversions/conversion-terms";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { centsToNumber } from "~/utils/route-errors.server";
import { orderPricing } from "./orders.schema";

// Whether the advertiser's wallet can pay an order's next lead, as the orders pages say it. Routing
// decides the same thing under the wallet's lock: a CPL lead is charged its price and the ledger
// refuses a charge below the wallet's floor (billing/lead-sales.server.ts); a CPA/CPS lead is
// delivered only while the wallet covers the order's reserve (conversions/conversion-reserve.server.ts).

export interface WalletFunds {
  /** The wallet's balance, in cents (may be negative for a postpaid advertiser). */
  walletCents: number;
  /** What the advertiser may go below zero (its credit limit). */
  creditCents: number;
}

export interface OrderFunding extends WalletFunds {
  /** What the next lead needs: the CPL order's lowest price per lead, or the CPA/CPS order's reserve. */
  neededCents: number;
  /** "price": charged per lead (CPL); "reserve": held in the wallet while leads are delivered (CPA/CPS). */
  basis: "price" | "reserve";
  covers: boolean;
}

/** The advertiser's wallet in one currency and its credit limit. */
export async function ownWalletFunds(actor: Actor, currency: string): Promise<WalletFunds> {
  requirePermission(actor, "read:order:own");
  // Read fresh: advertiserWalletFloor memoises the credit limit per transaction, and this is no transaction.
  const company = await prisma.company.findUniqueOrThrow({ where: { id: actor.companyId }, select: { creditLimitCents: true } });
  const balance = await balanceCents(prisma, ledgerAccounts.advertiserWallet(actor.companyId, currency));
  return { walletCents: centsToNumber(balance), creditCents: company.creditLimitCents };
}

/** The lowest price the order pays for a lead: its base price or a lower price by temperature. */
function cheapestLeadCents(order: Pick<Order, "priceCents" | "pricing">): number {
  const byTemperature = Object.values(orderPricing(order.pricing).temperature ?? {}).filter((cents): cents is number => typeof cents === "number");
  return Math.max(1, Math.min(order.priceCents, ...byTemperature));
}

/** What an order's next lead needs from the wallet: the CPL order's lowest price per lead, or the CPA/CPS order's reserve. */
export function nextLeadNeed(
  order: Pick<Order, "reserveCents" | "priceCents" | "pricing"> & { offer: TermsOffer },
): Pick<OrderFunding, "neededCents" | "basis"> {
  return order.offer.pricingModel === "CPL"
    ? { neededCents: cheapestLeadCents(order), basis: "price" }
    : { neededCents: orderReserveCents(order, order.offer), basis: "reserve" };
}

function fundingOf(needed: number, basis: OrderFunding["basis"], wallet: WalletFunds): OrderFunding {
  return { ...wallet, neededCents: needed, basis, covers: wallet.walletCents + wallet.creditCents - needed >= 0 };
}

/** For each of the advertiser's own orders (keyed by order id): what its next lead needs and whether the wallet has it now. */
export async function ownOrderFunding(
  actor: Actor,
  orders: ReadonlyArray<Pick<Order, "id" | "advertiserId" | "currency" | "reserveCents" | "priceCents" | "pricing"> & { offer: TermsOffer }>,
): Promise<Record<string, OrderFunding>> {
  const wallets = new Map<string, WalletFunds>();
  const funding: Record<string, OrderFunding> = {};
  for (const order of orders) {
    if (order.advertiserId !== actor.companyId) continue;
    let wallet = wallets.get(order.currency);
    if (!wallet) {
      wallet = await ownWalletFunds(actor, order.currency);
      wallets.set(order.currency, wallet);
    }
    const need = nextLeadNeed(order);
    funding[order.id] = fundingOf(need.neededCents, need.basis, wallet);
  }
  return funding;
}

/** Before an order is opened on an offer: whether the wallet pays one lead at the offer's price (CPL) or covers its default reserve. */
export async function ownFundingForOffer(actor: Actor, offer: TermsOffer & { currency: string }): Promise<OrderFunding> {
  const wallet = await ownWalletFunds(actor, offer.currency);
  return offer.pricingModel === "CPL" ? fundingOf(offer.priceCents, "price", wallet) : fundingOf(Math.max(1, defaultReserveCents(offer)), "reserve", wallet);
}
