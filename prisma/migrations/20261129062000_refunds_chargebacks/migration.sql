-- Refunds of unused wallet balance and card disputes (chargebacks) of top-ups.
CREATE TYPE "OrderPauseReason" AS ENUM ('CARD_DISPUTE');
ALTER TABLE "Order" ADD COLUMN "pauseReason" "OrderPauseReason";

CREATE TYPE "StripeRefundStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

CREATE TABLE "WalletRefund" (
    "id" TEXT NOT NULL,
    "advertiserId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "requestedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "WalletRefund_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "WalletRefund_advertiserId_createdAt_idx" ON "WalletRefund"("advertiserId", "createdAt");
ALTER TABLE "WalletRefund" ADD CONSTRAINT "WalletRefund_advertiserId_fkey" FOREIGN KEY ("advertiserId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "StripeRefund" (
    "id" TEXT NOT NULL,
    "walletRefundId" TEXT,
    "advertiserId" TEXT NOT NULL,
    "topUpId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "status" "StripeRefundStatus" NOT NULL DEFAULT 'PENDING',
    "stripeRefundId" TEXT,
    "reservationEntryId" TEXT,
    "journalEntryId" TEXT,
    "failureMessage" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" TIMESTAMP(3),
    CONSTRAINT "StripeRefund_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "StripeRefund_stripeRefundId_key" ON "StripeRefund"("stripeRefundId");
CREATE UNIQUE INDEX "StripeRefund_reservationEntryId_key" ON "StripeRefund"("reservationEntryId");
CREATE UNIQUE INDEX "StripeRefund_journalEntryId_key" ON "StripeRefund"("journalEntryId");
CREATE INDEX "StripeRefund_topUpId_idx" ON "StripeRefund"("topUpId");
CREATE INDEX "StripeRefund_walletRefundId_idx" ON "StripeRefund"("walletRefundId");
CREATE INDEX "StripeRefund_advertiserId_status_idx" ON "StripeRefund"("advertiserId", "status");
ALTER TABLE "StripeRefund" ADD CONSTRAINT "StripeRefund_walletRefundId_fkey" FOREIGN KEY ("walletRefundId") REFERENCES "WalletRefund"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "StripeRefund" ADD CONSTRAINT "StripeRefund_advertiserId_fkey" FOREIGN KEY ("advertiserId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "StripeRefund" ADD CONSTRAINT "StripeRefund_topUpId_fkey" FOREIGN KEY ("topUpId") REFERENCES "TopUp"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "StripeChargeDispute" (
    "id" TEXT NOT NULL,
    "stripeDisputeId" TEXT NOT NULL,
    "advertiserId" TEXT NOT NULL,
    "topUpId" TEXT NOT NULL,
    "stripeChargeId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "feeCents" INTEGER NOT NULL DEFAULT 0,
    "reinstatedCents" INTEGER NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL,
    "evidenceDueBy" TIMESTAMP(3),
    "evidenceSubmittedAt" TIMESTAMP(3),
    "withdrawnEntryId" TEXT,
    "reinstatedEntryId" TEXT,
    "ordersResumedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    CONSTRAINT "StripeChargeDispute_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "StripeChargeDispute_stripeDisputeId_key" ON "StripeChargeDispute"("stripeDisputeId");
CREATE UNIQUE INDEX "StripeChargeDispute_withdrawnEntryId_key" ON "StripeChargeDispute"("withdrawnEntryId");
CREATE UNIQUE INDEX "StripeChargeDispute_reinstatedEntryId_key" ON "StripeChargeDispute"("reinstatedEntryId");
CREATE INDEX "StripeChargeDispute_createdAt_idx" ON "StripeChargeDispute"("createdAt");
CREATE INDEX "StripeChargeDispute_status_createdAt_idx" ON "StripeChargeDispute"("status", "createdAt");
CREATE INDEX "StripeChargeDispute_advertiserId_idx" ON "StripeChargeDispute"("advertiserId");
CREATE INDEX "StripeChargeDispute_topUpId_idx" ON "StripeChargeDispute"("topUpId");
ALTER TABLE "StripeChargeDispute" ADD CONSTRAINT "StripeChargeDispute_advertiserId_fkey" FOREIGN KEY ("advertiserId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "StripeChargeDispute" ADD CONSTRAINT "StripeChargeDispute_topUpId_fkey" FOREIGN KEY ("topUpId") REFERENCES "TopUp"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
