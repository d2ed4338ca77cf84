-- The advertiser's conversions page lists its conversions newest first (by when they happened).
CREATE INDEX "Conversion_advertiserId_occurredAt_idx" ON "Conversion"("advertiserId", "occurredAt");
