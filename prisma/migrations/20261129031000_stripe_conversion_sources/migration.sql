-- Sales from advertisers' own Stripe accounts: customers that name a lead, and payments with
-- their invoice and cumulative refunds (stripe-conversions.server.ts).
CREATE TABLE "StripeConversionCustomer" (
    "advertiserId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "leadId" TEXT,
    "eventCreatedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StripeConversionCustomer_pkey" PRIMARY KEY ("advertiserId","customerId")
);

CREATE TABLE "StripeConversionPayment" (
    "advertiserId" TEXT NOT NULL,
    "paymentRef" TEXT NOT NULL,
    "invoiceId" TEXT,
    "chargeId" TEXT,
    "chargeAmountCents" INTEGER,
    "refundedCents" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StripeConversionPayment_pkey" PRIMARY KEY ("advertiserId","paymentRef")
);

CREATE INDEX "StripeConversionPayment_advertiserId_invoiceId_idx" ON "StripeConversionPayment"("advertiserId", "invoiceId");
