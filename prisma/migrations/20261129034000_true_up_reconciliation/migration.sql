-- True-ups: where the list came from, the advertiser's reference (API retries), and each row's
-- verdict as columns (action, payout difference, reason) so the report is summed in SQL.
ALTER TABLE "TrueUp" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'csv',
ADD COLUMN "fileName" TEXT,
ADD COLUMN "reference" TEXT,
ADD COLUMN "totalRows" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "uploadedById" TEXT,
ADD COLUMN "appliedAt" TIMESTAMP(3);
CREATE UNIQUE INDEX "TrueUp_advertiserId_reference_key" ON "TrueUp"("advertiserId", "reference");
ALTER TABLE "TrueUp" ADD CONSTRAINT "TrueUp_advertiserId_fkey" FOREIGN KEY ("advertiserId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A conversion only Leadex recorded has no row number in the advertiser's list.
ALTER TABLE "TrueUpRow" ALTER COLUMN "rowNumber" DROP NOT NULL;
ALTER TABLE "TrueUpRow" ADD COLUMN "action" TEXT NOT NULL DEFAULT 'none',
ADD COLUMN "payoutDeltaCents" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "reasonCode" TEXT,
ADD COLUMN "reason" TEXT,
ADD COLUMN "result" TEXT,
ADD COLUMN "resultMessage" TEXT;
CREATE INDEX "TrueUpRow_trueUpId_externalId_idx" ON "TrueUpRow"("trueUpId", "externalId");
CREATE INDEX "TrueUpRow_trueUpId_action_idx" ON "TrueUpRow"("trueUpId", "action");
