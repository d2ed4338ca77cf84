-- The admin's conversion report covers the whole platform for a period: an index on when each
-- conversion happened (advertisers and affiliates use their own (orderId|affiliateId, occurredAt)).
CREATE INDEX "Conversion_occurredAt_idx" ON "Conversion"("occurredAt");
