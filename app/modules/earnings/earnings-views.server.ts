import { getFirstRunGuide } from "~/modules/accounts/first-run-guide.server";
import { listOwnOfferRows } from "~/modules/offers/own-offer-views.server";
import type { Actor } from "~/utils/permissions.server";
import { centsToNumber } from "~/utils/route-errors.server";
import { getEarningsSummary, listEarningsStatement } from "./earnings-queries.server";

/** The affiliate's Earnings page: held, available and paid, when held money frees, and one page of the statement (older than `before`). */
export async function affiliateEarningsView(actor: Actor, query: { before?: string }) {
  const [summary, statement] = await Promise.all([getEarningsSummary(actor), listEarningsStatement(actor, { before: query.before })]);
  return {
    currency: summary.currency,
    heldCents: centsToNumber(summary.heldCents),
    availableCents: centsToNumber(summary.availableCents),
    paidCents: centsToNumber(summary.paidCents),
    heldSchedule: summary.heldSchedule,
    statement: statement.rows,
    nextBefore: statement.nextBefore,
    firstPage: !query.before,
  };
}

/** The affiliate's dashboard: its earnings held, available and paid, its offers, and the first-run guide. */
export async function affiliateDashboardView(actor: Actor) {
  const [earnings, offers, guide] = await Promise.all([getEarningsSummary(actor), listOwnOfferRows(actor), getFirstRunGuide(actor)]);
  return {
    heldCents: centsToNumber(earnings.heldCents),
    availableCents: centsToNumber(earnings.availableCents),
    paidCents: centsToNumber(earnings.paidCents),
    offers,
    guide,
  };
}
