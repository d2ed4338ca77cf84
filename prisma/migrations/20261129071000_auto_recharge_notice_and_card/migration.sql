-- Auto-recharge: a notice kind for a declined or unauthenticated off-session charge, and the card
-- each auto-recharge top-up charged (for the statement's words).
ALTER TYPE "NoticeKind" ADD VALUE 'AUTO_RECHARGE_FAILED';

ALTER TABLE "TopUp" ADD COLUMN "cardBrand" TEXT,
ADD COLUMN "cardLast4" TEXT;
