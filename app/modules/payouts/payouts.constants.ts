// The payout statuses an admin filters the payouts list by (zod-free: safe in the browser).

export const PAYOUT_STATUSES = ["PENDING", "PAID", "FAILED", "REVERSED"] as const;
