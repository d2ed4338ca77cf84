-- Issue 14 (portals): offer archive and moderation, company suspension and notes, speed to lead
-- per sale (delivered, contacted), new notice kinds, indexes for the admin lists and the audit log.
ALTER TYPE "OfferStatus" ADD VALUE 'ARCHIVED';

ALTER TYPE "OrderPauseReason" ADD VALUE 'COMPANY_SUSPENDED';

ALTER TYPE "NoticeKind" ADD VALUE 'LEAD_RETURNED';
ALTER TYPE "NoticeKind" ADD VALUE 'PAYOUT_SENT';
ALTER TYPE "NoticeKind" ADD VALUE 'LOW_BALANCE';
ALTER TYPE "NoticeKind" ADD VALUE 'MODERATION';

ALTER TABLE "Offer" ADD COLUMN "unlistedAt" TIMESTAMP(3),
ADD COLUMN "unlistedReason" TEXT,
ADD COLUMN "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

ALTER TABLE "Company" ADD COLUMN "suspendedAt" TIMESTAMP(3),
ADD COLUMN "suspendedReason" TEXT;

ALTER TABLE "LeadSale" ADD COLUMN "deliveredAt" TIMESTAMP(3),
ADD COLUMN "contactedAt" TIMESTAMP(3),
ADD COLUMN "contactedById" TEXT;

-- Sales delivered before this migration: the portal had them when they were sold.
UPDATE "LeadSale" SET "deliveredAt" = "soldAt";

CREATE TABLE "CompanyNote" (
    "id" TEXT NOT NULL,
    "companyId" TEXT NOT NULL,
    "authorId" TEXT,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CompanyNote_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "CompanyNote_companyId_createdAt_idx" ON "CompanyNote"("companyId", "createdAt");
CREATE INDEX "Offer_createdAt_idx" ON "Offer"("createdAt");
CREATE INDEX "Company_kind_createdAt_idx" ON "Company"("kind", "createdAt");
CREATE INDEX "AuditLog_createdAt_idx" ON "AuditLog"("createdAt");
CREATE INDEX "AuditLog_actorId_createdAt_idx" ON "AuditLog"("actorId", "createdAt");

ALTER TABLE "CompanyNote" ADD CONSTRAINT "CompanyNote_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "CompanyNote" ADD CONSTRAINT "CompanyNote_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "LeadSale" ADD CONSTRAINT "LeadSale_contactedById_fkey" FOREIGN KEY ("contactedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
