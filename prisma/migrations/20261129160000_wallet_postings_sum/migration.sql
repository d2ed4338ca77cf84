-- An advertiser wallet's postings sum, kept on its row by the ledger as it inserts postings (in the
-- same statement batch, under the wallet's lock), so the lead pipeline reads a wallet's balance in
-- one row instead of adding up its whole history under the lock (ADR 010). Only wallets: every debit
-- locks a wallet's row already, and platform and affiliate accounts, posted to by every sale, are left out.
ALTER TABLE "LedgerAccount" ADD COLUMN "walletPostingsSum" BIGINT;

UPDATE "LedgerAccount" a SET "walletPostingsSum" = COALESCE((SELECT SUM(p."amountCents") FROM "Posting" p WHERE p."accountId" = a.id), 0)
WHERE a.code LIKE 'advertiser:%:wallet:%';
