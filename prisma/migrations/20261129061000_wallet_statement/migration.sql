-- A wallet's statement pages its postings in time order with a running balance: postings carry
-- their entry's time, indexed with the account (which the old accountId index was a prefix of).
ALTER TABLE "Posting" ADD COLUMN "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
UPDATE "Posting" p SET "createdAt" = e."createdAt" FROM "JournalEntry" e WHERE e.id = p."entryId";
DROP INDEX "Posting_accountId_idx";
CREATE INDEX "Posting_accountId_createdAt_id_idx" ON "Posting"("accountId", "createdAt", "id");

-- The statement links a return's credit to its dispute.
CREATE INDEX "Dispute_journalEntryId_idx" ON "Dispute"("journalEntryId");
