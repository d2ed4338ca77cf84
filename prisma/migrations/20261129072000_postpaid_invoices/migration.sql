-- Postpaid invoices: the notice kind, when an advertiser became postpaid and its payment terms,
-- and the last failed collection of an invoice.
ALTER TYPE "NoticeKind" ADD VALUE 'INVOICE';

ALTER TABLE "Company" ADD COLUMN "invoiceDaysUntilDue" INTEGER,
ADD COLUMN "postpaidSince" TIMESTAMP(3);

ALTER TABLE "AdvertiserInvoice" ADD COLUMN "paymentFailedAt" TIMESTAMP(3),
ADD COLUMN "paymentFailureMessage" TEXT;
