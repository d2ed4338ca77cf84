// The offer statuses and listings an admin filters by (zod-free: safe in the browser).

export { OFFER_STATUSES } from "./offers.constants";
export const OFFER_LISTINGS = ["listed", "unlisted"] as const;
