import type { BidStatus } from "~/generated/prisma/client";
import { hotPathQuery } from "~/utils/db.server";

export interface PingRecord {
  id: string;
  offerId: string;
  affiliateId: string;
  data: { fields: Record<string, string>; subIds: Record<string, string> };
  dataHash: string;
  emailHash: string | null;
  phoneHash: string | null;
  expiresAt: Date;
}

export interface PingBidRecord {
  id: string;
  orderId: string;
  advertiserId: string;
  currency: string;
  external: boolean;
  status: BidStatus;
  priceCents?: number | null;
  latencyMs?: number | null;
  detail?: string | null;
  decidedAt?: Date | null;
}

/**
 * Writes a decided ping, every buyer's answer and the winning bid in one statement: the answer
 * waits for this write (a post may follow at once), so it costs one round trip. The two foreign
 * keys between Ping and PingBid are checked at the end of the statement, when both rows exist.
 */
export async function recordPing(ping: PingRecord, bids: PingBidRecord[], winningBidId: string | null): Promise<void> {
  const col = <T>(pick: (b: PingBidRecord) => T) => bids.map(pick);
  await hotPathQuery(
    `WITH ping AS (
       INSERT INTO "Ping" ("id", "offerId", "affiliateId", "data", "dataHash", "emailHash", "phoneHash", "expiresAt", "winningBidId")
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::timestamp(3), $9)
     )
     INSERT INTO "PingBid" ("id", "pingId", "orderId", "advertiserId", "currency", "external", "status", "priceCents", "latencyMs", "detail", "decidedAt")
     SELECT id, $1, order_id, advertiser_id, currency, external, status, price_cents, latency_ms, detail, decided_at
     FROM unnest($10::text[], $11::text[], $12::text[], $13::text[], $14::boolean[], $15::"BidStatus"[], $16::int[], $17::int[], $18::text[], $19::timestamp(3)[])
       AS t(id, order_id, advertiser_id, currency, external, status, price_cents, latency_ms, detail, decided_at)`,
    [
      ping.id,
      ping.offerId,
      ping.affiliateId,
      JSON.stringify(ping.data),
      ping.dataHash,
      ping.emailHash,
      ping.phoneHash,
      ping.expiresAt.toISOString(),
      winningBidId,
      col((b) => b.id),
      col((b) => b.orderId),
      col((b) => b.advertiserId),
      col((b) => b.currency),
      col((b) => b.external),
      col((b) => b.status),
      col((b) => b.priceCents ?? null),
      col((b) => b.latencyMs ?? null),
      col((b) => b.detail ?? null),
      col((b) => b.decidedAt?.toISOString() ?? null),
    ],
  );
}
