-- CreateEnum
CREATE TYPE "Distribution" AS ENUM ('BEST_PRICE', 'PRIORITY', 'WEIGHTED', 'ROUND_ROBIN');

-- CreateEnum
CREATE TYPE "SuppressionKind" AS ENUM ('EMAIL', 'PHONE');

-- CreateEnum
CREATE TYPE "BidStatus" AS ENUM ('BID', 'NO_BID', 'TIMEOUT', 'ERROR', 'SOLD', 'REFUSED');

-- CreateEnum
CREATE TYPE "OutboundKind" AS ENUM ('CRM_WEBHOOK', 'AFFILIATE_POSTBACK');

-- CreateEnum
CREATE TYPE "OutboundStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

-- AlterTable
ALTER TABLE "Company" ADD COLUMN     "postbackEvents" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "postbackUrl" TEXT,
ADD COLUMN     "signingSecret" TEXT;

-- AlterTable
ALTER TABLE "Offer" ADD COLUMN     "distribution" "Distribution" NOT NULL DEFAULT 'BEST_PRICE',
ADD COLUMN     "qualityRules" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "dailySpendCapCents" INTEGER,
ADD COLUMN     "hourlyCap" INTEGER,
ADD COLUMN     "hourlySpendCapCents" INTEGER,
ADD COLUMN     "lastSoldAt" TIMESTAMP(3),
ADD COLUMN     "monthlyCap" INTEGER,
ADD COLUMN     "monthlySpendCapCents" INTEGER,
ADD COLUMN     "pingUrl" TEXT,
ADD COLUMN     "postUrl" TEXT,
ADD COLUMN     "pricing" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "schedule" JSONB,
ADD COLUMN     "timezone" TEXT NOT NULL DEFAULT 'UTC',
ADD COLUMN     "webhookUrl" TEXT,
ADD COLUMN     "weight" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "Lead" ADD COLUMN     "checks" JSONB,
ADD COLUMN     "consent" JSONB,
ADD COLUMN     "pingId" TEXT,
ADD COLUMN     "scoreReasons" JSONB,
ADD COLUMN     "signals" JSONB;

-- CreateTable
CREATE TABLE "SuppressionEntry" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "advertiserId" TEXT,
    "kind" "SuppressionKind" NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SuppressionEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Ping" (
    "id" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "affiliateId" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "dataHash" TEXT NOT NULL,
    "emailHash" TEXT,
    "phoneHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "winningBidId" TEXT,

    CONSTRAINT "Ping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PingBid" (
    "id" TEXT NOT NULL,
    "pingId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "advertiserId" TEXT NOT NULL,
    "priceCents" INTEGER,
    "currency" TEXT NOT NULL,
    "external" BOOLEAN NOT NULL DEFAULT false,
    "status" "BidStatus" NOT NULL,
    "latencyMs" INTEGER,
    "detail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "PingBid_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboundDelivery" (
    "id" TEXT NOT NULL,
    "kind" "OutboundKind" NOT NULL,
    "companyId" TEXT NOT NULL,
    "leadId" TEXT NOT NULL,
    "orderId" TEXT,
    "event" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "body" TEXT,
    "status" "OutboundStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OutboundDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboundAttempt" (
    "id" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "attemptedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "statusCode" INTEGER,
    "durationMs" INTEGER NOT NULL,
    "error" TEXT,
    "responseSnippet" TEXT,
    "replay" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "OutboundAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SuppressionEntry_hash_idx" ON "SuppressionEntry"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "SuppressionEntry_scope_kind_hash_key" ON "SuppressionEntry"("scope", "kind", "hash");

-- CreateIndex
CREATE UNIQUE INDEX "Ping_winningBidId_key" ON "Ping"("winningBidId");

-- CreateIndex
CREATE INDEX "Ping_affiliateId_createdAt_idx" ON "Ping"("affiliateId", "createdAt");

-- CreateIndex
CREATE INDEX "PingBid_pingId_idx" ON "PingBid"("pingId");

-- CreateIndex
CREATE INDEX "PingBid_orderId_status_idx" ON "PingBid"("orderId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "OutboundDelivery_dedupeKey_key" ON "OutboundDelivery"("dedupeKey");

-- CreateIndex
CREATE INDEX "OutboundDelivery_companyId_createdAt_idx" ON "OutboundDelivery"("companyId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboundDelivery_leadId_idx" ON "OutboundDelivery"("leadId");

-- CreateIndex
CREATE INDEX "OutboundAttempt_deliveryId_attemptedAt_idx" ON "OutboundAttempt"("deliveryId", "attemptedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Lead_pingId_key" ON "Lead"("pingId");

-- CreateIndex
CREATE INDEX "Lead_emailHash_receivedAt_idx" ON "Lead"("emailHash", "receivedAt");

-- CreateIndex
CREATE INDEX "Lead_phoneHash_receivedAt_idx" ON "Lead"("phoneHash", "receivedAt");

-- CreateIndex
CREATE INDEX "Lead_affiliateId_receivedAt_idx" ON "Lead"("affiliateId", "receivedAt");

-- CreateIndex
CREATE INDEX "Lead_ipAddress_receivedAt_idx" ON "Lead"("ipAddress", "receivedAt");

-- AddForeignKey
ALTER TABLE "Lead" ADD CONSTRAINT "Lead_pingId_fkey" FOREIGN KEY ("pingId") REFERENCES "Ping"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SuppressionEntry" ADD CONSTRAINT "SuppressionEntry_advertiserId_fkey" FOREIGN KEY ("advertiserId") REFERENCES "Company"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ping" ADD CONSTRAINT "Ping_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ping" ADD CONSTRAINT "Ping_affiliateId_fkey" FOREIGN KEY ("affiliateId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ping" ADD CONSTRAINT "Ping_winningBidId_fkey" FOREIGN KEY ("winningBidId") REFERENCES "PingBid"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PingBid" ADD CONSTRAINT "PingBid_pingId_fkey" FOREIGN KEY ("pingId") REFERENCES "Ping"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PingBid" ADD CONSTRAINT "PingBid_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PingBid" ADD CONSTRAINT "PingBid_advertiserId_fkey" FOREIGN KEY ("advertiserId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboundDelivery" ADD CONSTRAINT "OutboundDelivery_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboundDelivery" ADD CONSTRAINT "OutboundDelivery_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboundDelivery" ADD CONSTRAINT "OutboundDelivery_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboundAttempt" ADD CONSTRAINT "OutboundAttempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "OutboundDelivery"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

