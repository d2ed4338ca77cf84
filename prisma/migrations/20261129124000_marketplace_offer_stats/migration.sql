-- The marketplace shows each offer's leads of the last 30 days (volume, acceptance and return rate).
CREATE INDEX "Lead_offerId_receivedAt_idx" ON "Lead"("offerId", "receivedAt");
