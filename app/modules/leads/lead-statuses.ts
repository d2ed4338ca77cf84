// A lead's statuses, for filters on the pages (zod-free and Prisma-free: safe in the browser).

export const LEAD_STATUS_NAMES = ["RECEIVED", "ACCEPTED", "REJECTED", "HELD", "SOLD", "UNSOLD", "RETURNED"] as const;
export const LEAD_STATUSES = LEAD_STATUS_NAMES;
