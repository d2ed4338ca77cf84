-- The admin's payouts list pages every affiliate's payouts newest first (issue 14): an index on the
-- time, so a page is one range read instead of sorting every payout ever made. A status filter or an
-- affiliate name search walks the same index.
CREATE INDEX "Payout_createdAt_idx" ON "Payout"("createdAt");
