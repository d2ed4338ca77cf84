// The offer statuses and listings an admin filters by (zod-free: safe in the browser).

export const OFFER_STATUSES = ["ACTIVE", "PAUSED", "ARCHIVED"] as const;
export const OFFER_LISTINGS = ["listed", "unlisted"] as const;
