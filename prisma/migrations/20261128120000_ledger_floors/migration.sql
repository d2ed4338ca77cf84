-- Ledger floors: a postpaid advertiser's wallet may go down to minus its credit limit.
ALTER TABLE "Company" ADD COLUMN "creditLimitCents" INTEGER NOT NULL DEFAULT 0;

-- Selling is split from billing: CPA/CPS leads are assigned without a charge.
ALTER TABLE "LeadSale" ADD COLUMN "pricingModel" "PricingModel" NOT NULL DEFAULT 'CPL';
ALTER TABLE "LeadSale" ALTER COLUMN "journalEntryId" DROP NOT NULL;
