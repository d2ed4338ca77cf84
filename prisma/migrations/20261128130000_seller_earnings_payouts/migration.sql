-- Seller money: earnings that mature (held -> available), payout runs through Stripe Connect, clawbacks.
ALTER TYPE "PayoutStatus" ADD VALUE 'REVERSED';

CREATE TYPE "EarningKind" AS ENUM ('LEAD_SALE', 'ACTION', 'SALE', 'CLAWBACK', 'PAYOUT_RETURNED');
CREATE TYPE "PayoutRunTrigger" AS ENUM ('SCHEDULE', 'ADMIN');

ALTER TABLE "Company" ADD COLUMN "payoutsEnabled" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Company" ADD COLUMN "stripeRequirementsDue" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "Company" ADD COLUMN "stripeDisabledReason" TEXT;
ALTER TABLE "Company" ADD COLUMN "payoutsHeldAt" TIMESTAMP(3);
ALTER TABLE "Company" ADD COLUMN "payoutsHeldReason" TEXT;

CREATE TABLE "Earning" (
    "id" TEXT NOT NULL,
    "affiliateId" TEXT NOT NULL,
    "kind" "EarningKind" NOT NULL,
    "leadId" TEXT,
    "saleId" TEXT,
    "amountCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "entryId" TEXT NOT NULL,
    "availableAt" TIMESTAMP(3) NOT NULL,
    "releasedAt" TIMESTAMP(3),
    "releaseEntryId" TEXT,
    "reversedAt" TIMESTAMP(3),
    "reversalEntryId" TEXT,
    "payoutId" TEXT,
    "returnedFromPayoutId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Earning_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Earning_entryId_kind_saleId_key" ON "Earning"("entryId", "kind", "saleId");
CREATE INDEX "Earning_affiliateId_releasedAt_availableAt_idx" ON "Earning"("affiliateId", "releasedAt", "availableAt");
CREATE INDEX "Earning_affiliateId_payoutId_idx" ON "Earning"("affiliateId", "payoutId");
CREATE INDEX "Earning_saleId_idx" ON "Earning"("saleId");

CREATE TABLE "PayoutRun" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "trigger" "PayoutRunTrigger" NOT NULL,
    "triggeredById" TEXT,
    "transferGroup" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    CONSTRAINT "PayoutRun_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PayoutRun_key_key" ON "PayoutRun"("key");

CREATE TABLE "PayoutSkip" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "affiliateId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "availableCents" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PayoutSkip_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PayoutSkip_runId_affiliateId_key" ON "PayoutSkip"("runId", "affiliateId");
CREATE INDEX "PayoutSkip_affiliateId_createdAt_idx" ON "PayoutSkip"("affiliateId", "createdAt");

ALTER TABLE "Payout" ADD COLUMN "runId" TEXT;
ALTER TABLE "Payout" ADD COLUMN "stripeAccountId" TEXT;
ALTER TABLE "Payout" ADD COLUMN "reversalEntryId" TEXT;
ALTER TABLE "Payout" ADD COLUMN "failureReason" TEXT;
ALTER TABLE "Payout" ADD COLUMN "paidAt" TIMESTAMP(3);
ALTER TABLE "Payout" ADD COLUMN "failedAt" TIMESTAMP(3);
CREATE UNIQUE INDEX "Payout_runId_affiliateId_key" ON "Payout"("runId", "affiliateId");
CREATE INDEX "Payout_affiliateId_createdAt_idx" ON "Payout"("affiliateId", "createdAt");

ALTER TABLE "Earning" ADD CONSTRAINT "Earning_affiliateId_fkey" FOREIGN KEY ("affiliateId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Earning" ADD CONSTRAINT "Earning_payoutId_fkey" FOREIGN KEY ("payoutId") REFERENCES "Payout"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "PayoutSkip" ADD CONSTRAINT "PayoutSkip_runId_fkey" FOREIGN KEY ("runId") REFERENCES "PayoutRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "PayoutSkip" ADD CONSTRAINT "PayoutSkip_affiliateId_fkey" FOREIGN KEY ("affiliateId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Payout" ADD CONSTRAINT "Payout_runId_fkey" FOREIGN KEY ("runId") REFERENCES "PayoutRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;
