-- Returns and disputes: the placeholder ReturnRequest (never written) becomes Dispute, with its
-- evidence, an email outbox, the order's return cap and each company's approved-return rate.
DROP TABLE "ReturnRequest";
DROP TYPE "ReturnStatus";

CREATE TYPE "DisputeKind" AS ENUM ('LEAD_RETURN', 'CONVERSION_INQUIRY', 'CONVERSION_DISPUTE');
CREATE TYPE "DisputeStatus" AS ENUM ('AWAITING_RESPONSE', 'IN_REVIEW', 'APPROVED', 'DENIED', 'WITHDRAWN');
CREATE TYPE "DisputeResolver" AS ENUM ('EVIDENCE', 'RESPONDENT', 'DEADLINE', 'ADMIN', 'OPENER');
ALTER TYPE "ConversionSource" ADD VALUE 'INQUIRY';
ALTER TYPE "NoticeKind" ADD VALUE 'DISPUTE';

ALTER TABLE "Order" ADD COLUMN "returnCapBps" INTEGER NOT NULL DEFAULT 1500;
ALTER TABLE "Company" ADD COLUMN "returnRateBps" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "Dispute" (
    "id" TEXT NOT NULL,
    "kind" "DisputeKind" NOT NULL,
    "key" TEXT NOT NULL,
    "status" "DisputeStatus" NOT NULL DEFAULT 'AWAITING_RESPONSE',
    "leadId" TEXT NOT NULL,
    "saleId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "advertiserId" TEXT NOT NULL,
    "affiliateId" TEXT NOT NULL,
    "conversionId" TEXT,
    "openedById" TEXT,
    "openedByRole" "Role" NOT NULL,
    "reasonCode" TEXT NOT NULL,
    "note" TEXT,
    "claim" JSONB NOT NULL DEFAULT '{}',
    "finding" JSONB,
    "responseDueAt" TIMESTAMP(3),
    "respondedAt" TIMESTAMP(3),
    "respondedById" TEXT,
    "response" TEXT,
    "responseNote" TEXT,
    "resolvedBy" "DisputeResolver",
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionReason" TEXT,
    "atPlatformCost" BOOLEAN NOT NULL DEFAULT false,
    "overrides" JSONB NOT NULL DEFAULT '{}',
    "journalEntryId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Dispute_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Dispute_key_key" ON "Dispute"("key");
CREATE INDEX "Dispute_status_createdAt_idx" ON "Dispute"("status", "createdAt");
CREATE INDEX "Dispute_kind_status_createdAt_idx" ON "Dispute"("kind", "status", "createdAt");
CREATE INDEX "Dispute_status_responseDueAt_idx" ON "Dispute"("status", "responseDueAt");
CREATE INDEX "Dispute_advertiserId_createdAt_idx" ON "Dispute"("advertiserId", "createdAt");
CREATE INDEX "Dispute_affiliateId_createdAt_idx" ON "Dispute"("affiliateId", "createdAt");
CREATE INDEX "Dispute_orderId_createdAt_idx" ON "Dispute"("orderId", "createdAt");
CREATE INDEX "Dispute_offerId_createdAt_idx" ON "Dispute"("offerId", "createdAt");
CREATE INDEX "Dispute_leadId_idx" ON "Dispute"("leadId");
CREATE INDEX "Dispute_conversionId_idx" ON "Dispute"("conversionId");
ALTER TABLE "Dispute" ADD CONSTRAINT "Dispute_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Dispute" ADD CONSTRAINT "Dispute_saleId_fkey" FOREIGN KEY ("saleId") REFERENCES "LeadSale"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "DisputeEvidence" (
    "id" TEXT NOT NULL,
    "disputeId" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "addedById" TEXT,
    "text" TEXT,
    "url" TEXT,
    "fileName" TEXT,
    "contentType" TEXT,
    "sizeBytes" INTEGER,
    "content" BYTEA,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DisputeEvidence_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "DisputeEvidence_disputeId_createdAt_idx" ON "DisputeEvidence"("disputeId", "createdAt");
ALTER TABLE "DisputeEvidence" ADD CONSTRAINT "DisputeEvidence_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "EmailOutbox" (
    "id" TEXT NOT NULL,
    "userId" TEXT,
    "toAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "EmailOutbox_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "EmailOutbox_sentAt_createdAt_idx" ON "EmailOutbox"("sentAt", "createdAt");
