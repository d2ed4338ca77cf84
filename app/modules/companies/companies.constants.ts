// Company kinds and states as the admin pages list them (zod-free: safe in the browser).

export const COMPANY_KINDS = ["ADVERTISER", "AFFILIATE", "PLATFORM"] as const;
export const COMPANY_STATES = ["active", "suspended", "payouts-held"] as const;
export type CompanyState = (typeof COMPANY_STATES)[number];
