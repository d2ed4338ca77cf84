-- Issue 14 (reports): daily rollups the report pages read instead of the base tables, kept by the
-- scheduled "report-rollups" task (modules/reports/report-rollups.server.ts), which recomputes
-- recent days in one transaction (DELETE + INSERT … SELECT … GROUP BY).

-- Leads by the day they were received (UTC), offer and affiliate, and what became of them since.
CREATE TABLE "DailyLeadRollup" (
    "day" DATE NOT NULL,
    "offerId" TEXT NOT NULL,
    "affiliateId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "received" INTEGER NOT NULL,
    "accepted" INTEGER NOT NULL,
    "sold" INTEGER NOT NULL,
    "converted" INTEGER NOT NULL,
    "returned" INTEGER NOT NULL,
    "earningsCents" BIGINT NOT NULL,
    "feesCents" BIGINT NOT NULL,
    "spendCents" BIGINT NOT NULL,

    CONSTRAINT "DailyLeadRollup_pkey" PRIMARY KEY ("day","offerId","affiliateId")
);
CREATE INDEX "DailyLeadRollup_affiliateId_day_idx" ON "DailyLeadRollup"("affiliateId", "day");

-- The same leads by one sub-id key (s1..s5) and its value ('' when the lead had none).
CREATE TABLE "DailySubIdRollup" (
    "day" DATE NOT NULL,
    "affiliateId" TEXT NOT NULL,
    "subKey" TEXT NOT NULL,
    "subValue" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "received" INTEGER NOT NULL,
    "accepted" INTEGER NOT NULL,
    "sold" INTEGER NOT NULL,
    "converted" INTEGER NOT NULL,
    "returned" INTEGER NOT NULL,
    "earningsCents" BIGINT NOT NULL,

    CONSTRAINT "DailySubIdRollup_pkey" PRIMARY KEY ("affiliateId","subKey","day","subValue","offerId")
);

-- Sales by the day they were made (UTC) and order: what the buyer bought, paid and got back.
CREATE TABLE "DailySaleRollup" (
    "day" DATE NOT NULL,
    "orderId" TEXT NOT NULL,
    "advertiserId" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "affiliateId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "bought" INTEGER NOT NULL,
    "delivered" INTEGER NOT NULL,
    "contacted" INTEGER NOT NULL,
    "converted" INTEGER NOT NULL,
    "actions" INTEGER NOT NULL,
    "returned" INTEGER NOT NULL,
    "spendCents" BIGINT NOT NULL,
    "feesCents" BIGINT NOT NULL,
    "saleAmountCents" BIGINT NOT NULL,
    "salesWithAmount" INTEGER NOT NULL,

    CONSTRAINT "DailySaleRollup_pkey" PRIMARY KEY ("day","orderId")
);
CREATE INDEX "DailySaleRollup_advertiserId_day_idx" ON "DailySaleRollup"("advertiserId", "day");

-- Speed to lead by the day sold and order: how many sales took about `bucket` long from the
-- lead's postback to delivery (metric 'deliver') or to first contact ('contact'). Buckets grow by
-- 10% (bucket 0: under a second, bucket b: 1.1^(b-1) to 1.1^b seconds), so a median or p90 read
-- from them is within 5% of the exact one, and a period's figures add up across days.
CREATE TABLE "DailySpeedRollup" (
    "day" DATE NOT NULL,
    "orderId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "bucket" INTEGER NOT NULL,
    "advertiserId" TEXT NOT NULL,
    "sales" INTEGER NOT NULL,

    CONSTRAINT "DailySpeedRollup_pkey" PRIMARY KEY ("day","orderId","metric","bucket")
);
CREATE INDEX "DailySpeedRollup_advertiserId_day_idx" ON "DailySpeedRollup"("advertiserId", "day");

-- The ledger's postings by day on the accounts the platform report reads (platform fees,
-- affiliates' held and available earnings): revenue by day, and what affiliates are owed.
CREATE TABLE "DailyLedgerRollup" (
    "day" DATE NOT NULL,
    "accountId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "amountCents" BIGINT NOT NULL,

    CONSTRAINT "DailyLedgerRollup_pkey" PRIMARY KEY ("day","accountId")
);
CREATE INDEX "DailyLedgerRollup_code_day_idx" ON "DailyLedgerRollup"("code", "day");

-- When the rollups were last recomputed and from which day on.
CREATE TABLE "ReportRollupRefresh" (
    "id" TEXT NOT NULL,
    "refreshedAt" TIMESTAMP(3) NOT NULL,
    "fromDay" DATE NOT NULL,

    CONSTRAINT "ReportRollupRefresh_pkey" PRIMARY KEY ("id")
);

-- The rollup reads recent leads and sales by time alone, and speed to lead reads sales by time.
CREATE INDEX "Lead_receivedAt_idx" ON "Lead"("receivedAt");
CREATE INDEX "LeadSale_soldAt_idx" ON "LeadSale"("soldAt");
