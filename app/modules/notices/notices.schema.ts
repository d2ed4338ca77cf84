import { z } from "zod";

// What each kind of notice carries in UserNotice.data: read and written only through these schemas.

export const accountLockedNoticeSchema = z.object({
  lockedAt: z.iso.datetime(),
  lockedUntil: z.iso.datetime(),
  failures: z.number().int().min(1),
  clientAddress: z.string(),
});

/** A step of a return or dispute the user's company is party to (modules/disputes). */
export const disputeNoticeSchema = z.object({
  disputeId: z.string(),
  message: z.string(),
  /** Where the told party reads the dispute in its portal. */
  href: z.string().startsWith("/"),
});

/** An off-session auto-recharge the card refused (modules/billing/auto-recharge.server.ts): recharge is paused. */
export const autoRechargeFailedNoticeSchema = z.object({
  topUpId: z.string(),
  amountCents: z.number().int().min(1),
  currency: z.string(),
  /** Stripe's words for the refusal ("Your card was declined."). */
  reason: z.string(),
});

/** A step of a postpaid invoice (issued, payment failed, overdue, paid) its advertiser or an admin must know of. */
export const invoiceNoticeSchema = z.object({
  invoiceId: z.string(),
  message: z.string(),
  href: z.string().startsWith("/"),
});

export const noticeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ACCOUNT_LOCKED"), data: accountLockedNoticeSchema }),
  z.object({ kind: z.literal("DISPUTE"), data: disputeNoticeSchema }),
  z.object({ kind: z.literal("AUTO_RECHARGE_FAILED"), data: autoRechargeFailedNoticeSchema }),
  z.object({ kind: z.literal("INVOICE"), data: invoiceNoticeSchema }),
]);
export type Notice = z.infer<typeof noticeSchema>;
