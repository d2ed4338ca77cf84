import type { DeliveryMethod, Order, OrderPauseReason, OrderStatus } from "~/generated/prisma/client";
import { ledgerAccounts, ownerBalanceCents } from "~/modules/ledger/ledger.server";
import { hotPathQuery } from "~/utils/db.server";

// What an auction reads before it asks the buyers, in raw SQL on the hot path (ADR 003, ADR 010):
// every round trip and every Prisma query compile here sits in front of the buyers' deadline.

export type AuctionOrder = Order & { advertiser: { creditLimitCents: number; returnRateBps: number } };

export interface AuctionSnapshot {
  /** The offer's OPEN orders with what the auction needs of their advertiser. */
  orders: AuctionOrder[];
  /** Each order's wallet balance as its owner reads it, by ledger account code. */
  balances: Map<string, bigint>;
  /** The advertisers' signing secrets (a company without one yet is absent). */
  signingSecrets: Map<string, string>;
}

interface OrderRow {
  id: string;
  advertiserId: string;
  offerId: string;
  priceCents: number;
  currency: string;
  hourlyCap: number | null;
  dailyCap: number | null;
  monthlyCap: number | null;
  hourlySpendCapCents: number | null;
  dailySpendCapCents: number | null;
  monthlySpendCapCents: number | null;
  timezone: string;
  schedule: Order["schedule"];
  filters: Order["filters"];
  pricing: Order["pricing"];
  priority: number;
  weight: number;
  lastSoldAt: Date | null;
  delivery: DeliveryMethod;
  webhookUrl: string | null;
  pingUrl: string | null;
  postUrl: string | null;
  reserveCents: number | null;
  returnCapBps: number;
  status: OrderStatus;
  pauseReason: OrderPauseReason | null;
  createdAt: Date;
  creditLimitCents: number;
  returnRateBps: number;
  signingSecret: string | null;
  walletCode: string;
  walletSum: string;
}

/**
 * One statement: the offer's open orders, their advertisers' credit limit, return rate and
 * signing secret, and each order's wallet balance (the same sum of postings as balancesCents).
 * Timestamps are stored as UTC without a zone: `AT TIME ZONE 'UTC'` hands them to pg as instants.
 */
export async function readAuctionSnapshot(offerId: string): Promise<AuctionSnapshot> {
  const rows = await hotPathQuery<OrderRow>(
    `SELECT o."id", o."advertiserId", o."offerId", o."priceCents", o."currency", o."hourlyCap", o."dailyCap", o."monthlyCap",
            o."hourlySpendCapCents", o."dailySpendCapCents", o."monthlySpendCapCents", o."timezone", o."schedule", o."filters",
            o."pricing", o."priority", o."weight", o."lastSoldAt" AT TIME ZONE 'UTC' AS "lastSoldAt", o."delivery"::text AS "delivery",
            o."webhookUrl", o."pingUrl", o."postUrl", o."reserveCents", o."returnCapBps", o."status"::text AS "status",
            o."pauseReason"::text AS "pauseReason", o."createdAt" AT TIME ZONE 'UTC' AS "createdAt",
            c."creditLimitCents", c."returnRateBps", c."signingSecret", wallet.code AS "walletCode", w.sum::text AS "walletSum"
     FROM "Order" o
     JOIN "Company" c ON c."id" = o."advertiserId"
     CROSS JOIN LATERAL (SELECT 'advertiser:' || o."advertiserId" || ':wallet:' || o."currency" AS code) wallet
     CROSS JOIN LATERAL (
       SELECT COALESCE(SUM(p."amountCents"), 0) AS sum FROM "LedgerAccount" a JOIN "Posting" p ON p."accountId" = a."id" WHERE a."code" = wallet.code
     ) w
     WHERE o."offerId" = $1 AND o."status" = 'OPEN'
     ORDER BY o."createdAt", o."id"`,
    [offerId],
  );
  const orders: AuctionOrder[] = [];
  const balances = new Map<string, bigint>();
  const signingSecrets = new Map<string, string>();
  for (const row of rows) {
    const wallet = ledgerAccounts.advertiserWallet(row.advertiserId, row.currency);
    // The account code is spelled in SQL above; the ledger's own spelling is the truth.
    if (wallet.code !== row.walletCode) throw new Error(`auction snapshot: wallet code ${row.walletCode} is not the ledger's ${wallet.code}`);
    balances.set(wallet.code, ownerBalanceCents(wallet.type, BigInt(row.walletSum)));
    if (row.signingSecret) signingSecrets.set(row.advertiserId, row.signingSecret);
    orders.push({
      id: row.id,
      advertiserId: row.advertiserId,
      offerId: row.offerId,
      priceCents: row.priceCents,
      currency: row.currency,
      hourlyCap: row.hourlyCap,
      dailyCap: row.dailyCap,
      monthlyCap: row.monthlyCap,
      hourlySpendCapCents: row.hourlySpendCapCents,
      dailySpendCapCents: row.dailySpendCapCents,
      monthlySpendCapCents: row.monthlySpendCapCents,
      timezone: row.timezone,
      schedule: row.schedule,
      filters: row.filters,
      pricing: row.pricing,
      priority: row.priority,
      weight: row.weight,
      lastSoldAt: row.lastSoldAt,
      delivery: row.delivery,
      webhookUrl: row.webhookUrl,
      pingUrl: row.pingUrl,
      postUrl: row.postUrl,
      reserveCents: row.reserveCents,
      returnCapBps: row.returnCapBps,
      status: row.status,
      pauseReason: row.pauseReason,
      createdAt: row.createdAt,
      advertiser: { creditLimitCents: row.creditLimitCents, returnRateBps: row.returnRateBps },
    });
  }
  return { orders, balances, signingSecrets };
}

/** The same person already accepted (sold, unsold or held) on this offer inside the window. */
export async function isAlreadyBought(offerId: string, windowDays: number, emailHash: string | null, phoneHash: string | null, now: Date): Promise<boolean> {
  if (windowDays === 0 || (!emailHash && !phoneHash)) return false;
  const rows = await hotPathQuery(
    `SELECT 1 FROM "Lead"
     WHERE "offerId" = $1 AND "receivedAt" >= $2::timestamp(3) AND "status" NOT IN ('RECEIVED', 'REJECTED')
       AND ("emailHash" = $3 OR "phoneHash" = $4)
     LIMIT 1`,
    [offerId, new Date(now.getTime() - windowDays * 86_400_000).toISOString(), emailHash, phoneHash],
  );
  return rows.length > 0;
}
