export const CONVERSION_STATUSES = ["RECEIVED", "PENDING", "HELD", "APPROVED", "LOCKED", "REJECTED", "REVERSED", "FRAUD"] as const;
export type ConversionStatusName = (typeof CONVERSION_STATUSES)[number];
