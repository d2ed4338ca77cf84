-- Conversions (CPA/CPS): the placeholder table is replaced (nothing wrote to it).
DROP TABLE "Conversion";
DROP TYPE "ConversionKind";

CREATE TYPE "ConversionKind" AS ENUM ('ACTION', 'SALE');
CREATE TYPE "ConversionStatus" AS ENUM ('RECEIVED', 'PENDING', 'HELD', 'APPROVED', 'LOCKED', 'REJECTED', 'REVERSED', 'FRAUD');
CREATE TYPE "ConversionSource" AS ENUM ('API', 'PIXEL', 'STRIPE', 'CSV', 'TRUE_UP');
CREATE TYPE "ConversionAdjustmentKind" AS ENUM ('REVERSAL', 'AMOUNT_CHANGE', 'LOCKED_ADJUSTMENT', 'TRUE_UP');
CREATE TYPE "ConversionUploadStatus" AS ENUM ('VALIDATING', 'POSTING', 'DONE', 'FAILED');
CREATE TYPE "TrueUpStatus" AS ENUM ('UPLOADED', 'RECONCILED', 'APPROVED', 'FAILED');
CREATE TYPE "TrueUpOutcome" AS ENUM ('PENDING', 'MATCHED', 'AMOUNT_DIFFERS', 'ONLY_ADVERTISER', 'ONLY_LEADEX', 'REFUSED');

ALTER TABLE "Offer" ADD COLUMN "saleMinCents" INTEGER,
ADD COLUMN "saleMaxCents" INTEGER,
ADD COLUMN "conversionEvents" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN "attributionWindowDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN "lockPeriodDays" INTEGER NOT NULL DEFAULT 14,
ADD COLUMN "allowsLockedAdjustments" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "Order" ADD COLUMN "reserveCents" INTEGER;

ALTER TABLE "Company" ADD COLUMN "pixelTokenPrefix" TEXT,
ADD COLUMN "pixelTokenHash" TEXT,
ADD COLUMN "stripeConversionsSecret" TEXT,
ADD COLUMN "conversionRules" JSONB NOT NULL DEFAULT '[]';
CREATE UNIQUE INDEX "Company_pixelTokenPrefix_key" ON "Company"("pixelTokenPrefix");

ALTER TABLE "Earning" ADD COLUMN "conversionId" TEXT;
CREATE INDEX "Earning_conversionId_idx" ON "Earning"("conversionId");

CREATE TABLE "Conversion" (
    "id" TEXT NOT NULL,
    "advertiserId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "leadId" TEXT NOT NULL,
    "saleId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "affiliateId" TEXT NOT NULL,
    "kind" "ConversionKind" NOT NULL,
    "source" "ConversionSource" NOT NULL,
    "event" TEXT,
    "saleAmountCents" INTEGER,
    "currency" TEXT NOT NULL,
    "payoutCents" INTEGER NOT NULL,
    "feeCents" INTEGER NOT NULL,
    "earningCents" INTEGER NOT NULL,
    "reversedSaleCents" INTEGER NOT NULL DEFAULT 0,
    "reversedPayoutCents" INTEGER NOT NULL DEFAULT 0,
    "reversedFeeCents" INTEGER NOT NULL DEFAULT 0,
    "terms" JSONB NOT NULL,
    "reported" JSONB NOT NULL,
    "advFields" JSONB NOT NULL DEFAULT '{}',
    "status" "ConversionStatus" NOT NULL DEFAULT 'RECEIVED',
    "reasonCode" TEXT,
    "reason" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "holdUntil" TIMESTAMP(3),
    "billedAt" TIMESTAMP(3),
    "approvedAt" TIMESTAMP(3),
    "lockAt" TIMESTAMP(3),
    "lockedAt" TIMESTAMP(3),
    "reversedAt" TIMESTAMP(3),
    "journalEntryId" TEXT,

    CONSTRAINT "Conversion_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Conversion_journalEntryId_key" ON "Conversion"("journalEntryId");
CREATE UNIQUE INDEX "Conversion_advertiserId_externalId_key" ON "Conversion"("advertiserId", "externalId");
CREATE INDEX "Conversion_status_receivedAt_idx" ON "Conversion"("status", "receivedAt");
CREATE INDEX "Conversion_status_lockAt_idx" ON "Conversion"("status", "lockAt");
CREATE INDEX "Conversion_status_holdUntil_idx" ON "Conversion"("status", "holdUntil");
CREATE INDEX "Conversion_leadId_idx" ON "Conversion"("leadId");
CREATE INDEX "Conversion_orderId_occurredAt_idx" ON "Conversion"("orderId", "occurredAt");
CREATE INDEX "Conversion_affiliateId_occurredAt_idx" ON "Conversion"("affiliateId", "occurredAt");
CREATE INDEX "Conversion_offerId_occurredAt_idx" ON "Conversion"("offerId", "occurredAt");
ALTER TABLE "Conversion" ADD CONSTRAINT "Conversion_advertiserId_fkey" FOREIGN KEY ("advertiserId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Conversion" ADD CONSTRAINT "Conversion_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Conversion" ADD CONSTRAINT "Conversion_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "ConversionAdjustment" (
    "id" TEXT NOT NULL,
    "conversionId" TEXT NOT NULL,
    "kind" "ConversionAdjustmentKind" NOT NULL,
    "key" TEXT NOT NULL,
    "saleAmountDeltaCents" INTEGER NOT NULL DEFAULT 0,
    "payoutDeltaCents" INTEGER NOT NULL,
    "feeDeltaCents" INTEGER NOT NULL,
    "earningDeltaCents" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "journalEntryId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConversionAdjustment_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ConversionAdjustment_journalEntryId_key" ON "ConversionAdjustment"("journalEntryId");
CREATE UNIQUE INDEX "ConversionAdjustment_conversionId_key_key" ON "ConversionAdjustment"("conversionId", "key");
ALTER TABLE "ConversionAdjustment" ADD CONSTRAINT "ConversionAdjustment_conversionId_fkey" FOREIGN KEY ("conversionId") REFERENCES "Conversion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "PendingConversionReversal" (
    "id" TEXT NOT NULL,
    "advertiserId" TEXT NOT NULL,
    "conversionExternalId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "saleAmountCents" INTEGER,
    "reason" TEXT NOT NULL,
    "reported" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedAt" TIMESTAMP(3),

    CONSTRAINT "PendingConversionReversal_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PendingConversionReversal_advertiserId_conversionExternalId_key_key" ON "PendingConversionReversal"("advertiserId", "conversionExternalId", "key");
CREATE INDEX "PendingConversionReversal_appliedAt_receivedAt_idx" ON "PendingConversionReversal"("appliedAt", "receivedAt");

ALTER TABLE "ReconciliationRun" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'ledger',
ADD COLUMN "runKey" TEXT,
ADD COLUMN "findings" INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX "ReconciliationRun_runKey_key" ON "ReconciliationRun"("runKey");
CREATE INDEX "ReconciliationRun_kind_startedAt_idx" ON "ReconciliationRun"("kind", "startedAt");

CREATE TABLE "ConversionUpload" (
    "id" TEXT NOT NULL,
    "advertiserId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "status" "ConversionUploadStatus" NOT NULL DEFAULT 'VALIDATING',
    "totalRows" INTEGER NOT NULL DEFAULT 0,
    "processedRows" INTEGER NOT NULL DEFAULT 0,
    "acceptedRows" INTEGER NOT NULL DEFAULT 0,
    "refusedRows" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ConversionUpload_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ConversionUpload_advertiserId_createdAt_idx" ON "ConversionUpload"("advertiserId", "createdAt");

CREATE TABLE "ConversionUploadRow" (
    "id" TEXT NOT NULL,
    "uploadId" TEXT NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "input" JSONB NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'pending',
    "reasonCode" TEXT,
    "message" TEXT,
    "conversionId" TEXT,

    CONSTRAINT "ConversionUploadRow_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ConversionUploadRow_uploadId_rowNumber_key" ON "ConversionUploadRow"("uploadId", "rowNumber");
ALTER TABLE "ConversionUploadRow" ADD CONSTRAINT "ConversionUploadRow_uploadId_fkey" FOREIGN KEY ("uploadId") REFERENCES "ConversionUpload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "TrueUp" (
    "id" TEXT NOT NULL,
    "advertiserId" TEXT NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "periodEnd" TIMESTAMP(3) NOT NULL,
    "status" "TrueUpStatus" NOT NULL DEFAULT 'UPLOADED',
    "summary" JSONB,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reconciledAt" TIMESTAMP(3),
    "approvedAt" TIMESTAMP(3),
    "approvedById" TEXT,

    CONSTRAINT "TrueUp_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "TrueUp_advertiserId_createdAt_idx" ON "TrueUp"("advertiserId", "createdAt");
CREATE INDEX "TrueUp_status_createdAt_idx" ON "TrueUp"("status", "createdAt");

CREATE TABLE "TrueUpRow" (
    "id" TEXT NOT NULL,
    "trueUpId" TEXT NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "externalId" TEXT NOT NULL,
    "leadId" TEXT,
    "event" TEXT,
    "saleAmountCents" INTEGER,
    "currency" TEXT,
    "occurredAt" TIMESTAMP(3),
    "outcome" "TrueUpOutcome" NOT NULL DEFAULT 'PENDING',
    "conversionId" TEXT,
    "proposal" JSONB,
    "appliedAt" TIMESTAMP(3),

    CONSTRAINT "TrueUpRow_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "TrueUpRow_trueUpId_rowNumber_key" ON "TrueUpRow"("trueUpId", "rowNumber");
CREATE INDEX "TrueUpRow_trueUpId_outcome_idx" ON "TrueUpRow"("trueUpId", "outcome");
ALTER TABLE "TrueUpRow" ADD CONSTRAINT "TrueUpRow_trueUpId_fkey" FOREIGN KEY ("trueUpId") REFERENCES "TrueUp"("id") ON DELETE CASCADE ON UPDATE CASCADE;
