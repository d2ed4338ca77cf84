import { z } from "zod";
import { keysetCursorParam } from "~/utils/keyset-cursor";

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

/** A buyer's return of one of the affiliate's leads was approved (modules/disputes/lead-returns.server.ts). */
export const leadReturnedNoticeSchema = z.object({
  leadId: z.string(),
  /** The affiliate's own id of the lead (lead_id in its postback). */
  externalId: z.string(),
  disputeId: z.string(),
  /** The return reason in words ("Wrong person"). */
  reason: z.string(),
  amountCents: z.number().int().min(0),
  currency: z.string(),
});

/** A payout reached Stripe and is on its way to the affiliate's bank (modules/payouts). */
export const payoutSentNoticeSchema = z.object({
  payoutId: z.string(),
  amountCents: z.number().int().min(1),
  currency: z.string(),
});

/** An admin acted on the company or one of its offers (suspended, reinstated, unlisted, relisted). */
export const moderationNoticeSchema = z.object({
  /** The whole sentence shown, with the admin's reason. */
  message: z.string().min(1),
  targetType: z.enum(["Company", "Offer"]),
  targetId: z.string(),
  /** Where the user reads more in their portal, when there is such a page. */
  href: z.string().startsWith("/").nullable(),
});

/** The advertiser's wallet can no longer pay the next lead of any open order (modules/billing/low-balance.server.ts). */
export const lowBalanceNoticeSchema = z.object({
  currency: z.string(),
  /** The wallet's balance when it was found short (negative on credit). */
  walletCents: z.number().int(),
  creditCents: z.number().int().min(0),
  /** What the cheapest open order's next lead needs: its price (CPL) or its reserve (CPA/CPS). */
  neededCents: z.number().int().min(1),
  basis: z.enum(["price", "reserve"]),
});

export const noticeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ACCOUNT_LOCKED"), data: accountLockedNoticeSchema }),
  z.object({ kind: z.literal("DISPUTE"), data: disputeNoticeSchema }),
  z.object({ kind: z.literal("AUTO_RECHARGE_FAILED"), data: autoRechargeFailedNoticeSchema }),
  z.object({ kind: z.literal("INVOICE"), data: invoiceNoticeSchema }),
  z.object({ kind: z.literal("LEAD_RETURNED"), data: leadReturnedNoticeSchema }),
  z.object({ kind: z.literal("PAYOUT_SENT"), data: payoutSentNoticeSchema }),
  z.object({ kind: z.literal("MODERATION"), data: moderationNoticeSchema }),
  z.object({ kind: z.literal("LOW_BALANCE"), data: lowBalanceNoticeSchema }),
]);
export type Notice = z.infer<typeof noticeSchema>;

/** The notifications page's filter (in the URL): only unread ones, and the page after a cursor. */
export const notificationListFilterSchema = z.object({
  unread: z.literal("1").optional().catch(undefined),
  cursor: keysetCursorParam.optional().catch(undefined),
});
