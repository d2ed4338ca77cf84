import { txQuery } from "~/utils/db.server";
import type { Order } from "~/generated/prisma/client";
import { MAX_ORDER_PRICE_CENTS, orderPricing } from "~/modules/orders/orders.schema";
import type { TemperatureValue } from "~/modules/quality/quality.schema";
import type { Tx } from "~/utils/db.server";
import { flushDeferredWrites, txMemo } from "~/utils/tx-memo.server";
import { formatMoney } from "~/utils/money";
import { filterMismatch, scheduleMismatch } from "./order-match";
import { startOfZonedDay, startOfZonedHour, startOfZonedMonth } from "./zoned-time";

/**
 * What routing and ping-post know about a lead when they ask whether an order wants it.
 * A ping carries only part of it (no contact data; hashes instead).
 */
export interface RoutingCandidate {
  offerId: string;
  /** Normalised lead fields (for a ping: only the non-personal ones it carried). */
  fields: Record<string, string>;
  state: string | null;
  postalCode: string | null;
  qualityScore: number | null;
  temperature: TemperatureValue | null;
  emailHash: string | null;
  phoneHash: string | null;
}

/**
 * The price this order pays for this candidate: the order's price for the lead's temperature (else
 * its base price), plus its score bonus when the lead scores high enough; 0.01 to the price cap.
 */
export function orderPriceCents(order: Order, candidate: RoutingCandidate): number {
  const pricing = orderPricing(order.pricing);
  let priceCents = (candidate.temperature && pricing.temperature?.[candidate.temperature]) ?? order.priceCents;
  if (pricing.scoreBonus && candidate.qualityScore !== null && candidate.qualityScore >= pricing.scoreBonus.minScore) {
    priceCents += pricing.scoreBonus.extraCents;
  }
  return Math.min(Math.max(priceCents, 1), MAX_ORDER_PRICE_CENTS);
}

const CAP_PERIODS = [
  { name: "hourly", countCap: "hourlyCap", spendCap: "hourlySpendCapCents", start: startOfZonedHour },
  { name: "daily", countCap: "dailyCap", spendCap: "dailySpendCapCents", start: startOfZonedDay },
  { name: "monthly", countCap: "monthlyCap", spendCap: "monthlySpendCapCents", start: startOfZonedMonth },
] as const;

/** Why a count or spend cap refuses one more sale at `priceCents`, or null. Periods are the order's local hour, day and month. */
export async function capReached(tx: Tx, order: Order, priceCents: number, now: Date): Promise<string | null> {
  if (CAP_PERIODS.some((p) => order[p.countCap] !== null || order[p.spendCap] !== null)) await flushDeferredWrites(tx);
  for (const period of CAP_PERIODS) {
    const countCap = order[period.countCap];
    const spendCapCents = order[period.spendCap];
    if (countCap === null && spendCapCents === null) continue;
    const sold = await tx.leadSale.aggregate({
      where: { orderId: order.id, soldAt: { gte: period.start(now, order.timezone) } },
      _count: true,
      _sum: { priceCents: true },
    });
    if (countCap !== null && sold._count >= countCap) return `${period.name} cap of ${countCap} reached`;
    if (spendCapCents !== null) {
      const spentCents = sold._sum.priceCents ?? 0;
      const cap = formatMoney(spendCapCents, order.currency);
      if (spentCents >= spendCapCents) return `${period.name} spend cap ${cap} reached`;
      if (spentCents + priceCents > spendCapCents) {
        return `${period.name} spend cap ${cap} would be exceeded (${formatMoney(spentCents, order.currency)} spent, this lead costs ${formatMoney(priceCents, order.currency)})`;
      }
    }
  }
  return null;
}

function candidateHashes(candidate: RoutingCandidate) {
  return [
    ...(candidate.emailHash ? [{ kind: "EMAIL" as const, hash: candidate.emailHash }] : []),
    ...(candidate.phoneHash ? [{ kind: "PHONE" as const, hash: candidate.phoneHash }] : []),
  ];
}

const buyerScope = (advertiserId: string) => `advertiser:${advertiserId}`;
const suppressedReason = (kind: "EMAIL" | "PHONE") => `${kind === "EMAIL" ? "email" : "phone"} is on the buyer's suppression list`;

const prefetchKey = (candidate: RoutingCandidate) => `buyer-suppression:${candidate.emailHash ?? ""}:${candidate.phoneHash ?? ""}`;

/**
 * Reads in one query which of these buyers suppressed the candidate, for `orderSkipReason` to use
 * in this transaction instead of one query per order (routing asks it order after order).
 */
export async function prefetchBuyerSuppression(tx: Tx, candidate: RoutingCandidate, advertiserIds: string[]): Promise<void> {
  const hashes = candidateHashes(candidate);
  if (hashes.length === 0 || advertiserIds.length === 0) return;
  const scopes = [...new Set(advertiserIds.map(buyerScope))];
  const known = txMemo(tx).get(prefetchKey(candidate)) as PrefetchedSuppression | undefined;
  if (known && scopes.every((s) => known.scopes.has(s))) return;
  const entries = await tx.suppressionEntry.findMany({ where: { scope: { in: scopes }, OR: hashes }, select: { scope: true, kind: true } });
  rememberBuyerSuppression(tx, candidate, scopes, entries);
}

type PrefetchedSuppression = { scopes: Set<string>; byScope: Map<string, "EMAIL" | "PHONE"> };

function rememberBuyerSuppression(tx: Tx, candidate: RoutingCandidate, scopes: string[], entries: Array<{ scope: string; kind: "EMAIL" | "PHONE" }>) {
  const byScope = new Map<string, "EMAIL" | "PHONE">();
  for (const scope of scopes) {
    const kinds = entries.filter((e) => e.scope === scope).map((e) => e.kind);
    // One reason per buyer, as the single query gives: the email's when both are listed.
    if (kinds.length > 0) byScope.set(scope, kinds.includes("EMAIL") ? "EMAIL" : "PHONE");
  }
  txMemo(tx).set(prefetchKey(candidate), { scopes: new Set(scopes), byScope } satisfies PrefetchedSuppression);
}

/**
 * `prefetchBuyerSuppression` for a batch of leads in one query: each candidate with the buyers it
 * may be offered to (the open orders of its offer). Routing then finds it done for those buyers.
 */
export async function prefetchBuyerSuppressionMany(tx: Tx, wanted: Array<{ candidate: RoutingCandidate; advertiserIds: string[] }>): Promise<void> {
  const asked = wanted.filter((w) => candidateHashes(w.candidate).length > 0 && w.advertiserIds.length > 0);
  if (asked.length === 0) return;
  const allScopes = [...new Set(asked.flatMap((w) => w.advertiserIds.map(buyerScope)))];
  const emailHashes = [...new Set(asked.flatMap((w) => (w.candidate.emailHash ? [w.candidate.emailHash] : [])))];
  const phoneHashes = [...new Set(asked.flatMap((w) => (w.candidate.phoneHash ? [w.candidate.phoneHash] : [])))];
  const entries = await txQuery<Array<{ scope: string; kind: "EMAIL" | "PHONE"; hash: string }>>(tx)`
    SELECT scope, kind::text AS kind, hash FROM "SuppressionEntry"
    WHERE scope = ANY(${allScopes}) AND ((kind = 'EMAIL' AND hash = ANY(${emailHashes})) OR (kind = 'PHONE' AND hash = ANY(${phoneHashes})))`;
  for (const { candidate, advertiserIds } of asked) {
    const mine = entries.filter((e) => (e.kind === "EMAIL" && e.hash === candidate.emailHash) || (e.kind === "PHONE" && e.hash === candidate.phoneHash));
    rememberBuyerSuppression(tx, candidate, [...new Set(advertiserIds.map(buyerScope))], mine);
  }
}

async function suppressedByBuyer(tx: Tx, order: Order, candidate: RoutingCandidate): Promise<string | null> {
  const hashes = candidateHashes(candidate);
  if (hashes.length === 0) return null;
  const prefetched = txMemo(tx).get(prefetchKey(candidate)) as PrefetchedSuppression | undefined;
  if (prefetched?.scopes.has(buyerScope(order.advertiserId))) {
    const kind = prefetched.byScope.get(buyerScope(order.advertiserId));
    return kind ? suppressedReason(kind) : null;
  }
  const entry = await tx.suppressionEntry.findFirst({
    where: { scope: buyerScope(order.advertiserId), OR: hashes },
    select: { kind: true },
  });
  return entry ? suppressedReason(entry.kind) : null;
}

/**
 * Why this order does not take this candidate now (filters, schedule, the buyer's suppression
 * list, count and spend caps), or null when it does. Wallet balance is checked by the caller,
 * which holds the wallet locks (and so also keeps two sales from racing past a cap).
 */
export async function orderSkipReason(
  tx: Tx,
  order: Order,
  candidate: RoutingCandidate,
  now: Date,
  /** What the sale would cost when it is not the order's own price (a ping-post bid). */
  priceCents: number = orderPriceCents(order, candidate),
): Promise<string | null> {
  return (
    filterMismatch(order.filters, candidate) ??
    scheduleMismatch(order.schedule, order.timezone, now) ??
    (await suppressedByBuyer(tx, order, candidate)) ??
    (await capReached(tx, order, priceCents, now))
  );
}

/** Whether the order caps what it spends (then a price other than its own must be checked against the caps). */
export function hasSpendCap(order: Order): boolean {
  return CAP_PERIODS.some((p) => order[p.spendCap] !== null);
}

/**
 * `orderSkipReason` for many orders at once, for callers that ask every order before deciding
 * (a ping): one suppression query for all buyers, and cap sums only for orders that have caps,
 * read side by side. Same reasons, same order of checks.
 */
export async function orderSkipReasons(db: Tx, orders: Order[], candidate: RoutingCandidate, now: Date): Promise<Map<string, string | null>> {
  const reasons = new Map<string, string | null>();
  const open: Order[] = [];
  for (const order of orders) {
    const reason = filterMismatch(order.filters, candidate) ?? scheduleMismatch(order.schedule, order.timezone, now);
    reasons.set(order.id, reason);
    if (!reason) open.push(order);
  }
  if (open.length === 0) return reasons;
  const hashes = candidateHashes(candidate);
  const hasCaps = (o: Order) => CAP_PERIODS.some((p) => o[p.countCap] !== null || o[p.spendCap] !== null);
  const [suppressed, capReasons] = await Promise.all([
    hashes.length === 0
      ? []
      : db.suppressionEntry.findMany({
          where: { scope: { in: [...new Set(open.map((o) => buyerScope(o.advertiserId)))] }, OR: hashes },
          select: { scope: true, kind: true },
        }),
    Promise.all(open.map(async (o) => [o.id, hasCaps(o) ? await capReached(db, o, orderPriceCents(o, candidate), now) : null] as const)),
  ]);
  const suppressedByScope = new Map(suppressed.map((entry) => [entry.scope, entry.kind]));
  const capByOrder = new Map(capReasons);
  for (const order of open) {
    const kind = suppressedByScope.get(buyerScope(order.advertiserId));
    reasons.set(order.id, kind ? suppressedReason(kind) : (capByOrder.get(order.id) ?? null));
  }
  return reasons;
}
