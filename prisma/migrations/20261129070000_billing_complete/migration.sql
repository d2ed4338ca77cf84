-- Saved cards, auto-recharge, postpaid invoices, and Stripe object ids on journal entries (issue 12).
CREATE TYPE "InvoiceCollection" AS ENUM ('CHARGE_AUTOMATICALLY', 'SEND_INVOICE');
CREATE TYPE "AdvertiserInvoiceStatus" AS ENUM ('DRAFT', 'OPEN', 'PAID', 'VOID', 'UNCOLLECTIBLE');
CREATE TYPE "TopUpKind" AS ENUM ('CHECKOUT', 'AUTO_RECHARGE');
ALTER TYPE "OrderPauseReason" ADD VALUE 'INVOICE_OVERDUE';

ALTER TABLE "Company"
  ADD COLUMN "stripePaymentMethodId" TEXT,
  ADD COLUMN "cardBrand" TEXT,
  ADD COLUMN "cardLast4" TEXT,
  ADD COLUMN "autoRechargeEnabled" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "autoRechargeThresholdCents" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "autoRechargeAmountCents" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "autoRechargePausedAt" TIMESTAMP(3),
  ADD COLUMN "autoRechargePausedReason" TEXT,
  ADD COLUMN "invoiceCollection" "InvoiceCollection" NOT NULL DEFAULT 'CHARGE_AUTOMATICALLY';

ALTER TABLE "TopUp"
  ADD COLUMN "kind" "TopUpKind" NOT NULL DEFAULT 'CHECKOUT',
  ADD COLUMN "failureCode" TEXT,
  ADD COLUMN "failureMessage" TEXT;
CREATE INDEX "TopUp_advertiserId_kind_status_idx" ON "TopUp"("advertiserId", "kind", "status");

ALTER TABLE "JournalEntry" ADD COLUMN "stripeObjectId" TEXT;
CREATE INDEX "JournalEntry_stripeObjectId_idx" ON "JournalEntry"("stripeObjectId");

CREATE TABLE "AdvertiserInvoice" (
    "id" TEXT NOT NULL,
    "advertiserId" TEXT NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "periodEnd" TIMESTAMP(3) NOT NULL,
    "currency" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "lines" JSONB NOT NULL,
    "status" "AdvertiserInvoiceStatus" NOT NULL DEFAULT 'DRAFT',
    "collection" "InvoiceCollection" NOT NULL,
    "stripeInvoiceId" TEXT,
    "hostedInvoiceUrl" TEXT,
    "dueAt" TIMESTAMP(3),
    "overduePausedAt" TIMESTAMP(3),
    "paidEntryId" TEXT,
    "paidAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AdvertiserInvoice_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "AdvertiserInvoice_stripeInvoiceId_key" ON "AdvertiserInvoice"("stripeInvoiceId");
CREATE UNIQUE INDEX "AdvertiserInvoice_paidEntryId_key" ON "AdvertiserInvoice"("paidEntryId");
CREATE UNIQUE INDEX "AdvertiserInvoice_advertiserId_periodStart_currency_key" ON "AdvertiserInvoice"("advertiserId", "periodStart", "currency");
CREATE INDEX "AdvertiserInvoice_status_dueAt_idx" ON "AdvertiserInvoice"("status", "dueAt");
CREATE INDEX "AdvertiserInvoice_advertiserId_createdAt_idx" ON "AdvertiserInvoice"("advertiserId", "createdAt");
ALTER TABLE "AdvertiserInvoice" ADD CONSTRAINT "AdvertiserInvoice_advertiserId_fkey" FOREIGN KEY ("advertiserId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
