import { prisma, type Tx } from "~/utils/db.server";
import { decodeKeysetCursor, keysetAfter, keysetPage, newestFirst } from "~/utils/keyset-cursor.server";
import { formatDuration, formatUtcMinute } from "~/utils/duration";
import { formatMoney } from "~/utils/money";
import { NotFoundError } from "~/utils/errors";
import { noticeSchema, type Notice } from "./notices.schema";

// Notices: what a user must be told about their account (a lock after failed sign-ins). There is no
// email yet, so the portal shows open notices as a banner until the user dismisses them. Each is a
// row written in the transaction of its event, so a later email sender can work through the same
// rows as an outbox (add a `sentAt`) and render them with `noticeText`.

/** Records a notice for `userId`, inside the transaction of what it tells about. */
export async function recordNotice(tx: Tx, userId: string, notice: Notice) {
  const { kind, data } = noticeSchema.parse(notice);
  await tx.userNotice.create({ data: { userId, kind, data } });
}

/** Records the same notice for every member of a company (its affiliate's or advertiser's users). */
export async function recordCompanyNotice(tx: Tx, companyId: string, notice: Notice) {
  const users = await tx.user.findMany({ where: { companyId }, select: { id: true } });
  for (const user of users) await recordNotice(tx, user.id, notice);
}

export interface NoticeView {
  id: string;
  message: string;
  /** Where to read more (a dispute's page), when there is such a place. */
  href: string | null;
}

/**
 * How many open notices the banner above every page shows at once (newest first): on a phone each
 * takes a screenful, so the rest wait on /notifications ("N more"); "Dismiss all" clears them too.
 */
export const NOTICES_SHOWN = 2;

/** The user's newest notices not yet dismissed, as the sentences the portal shows. */
export async function listOpenNotices(userId: string): Promise<NoticeView[]> {
  const rows = await prisma.userNotice.findMany({ where: { userId, dismissedAt: null }, orderBy: { createdAt: "desc" }, take: NOTICES_SHOWN });
  return rows.map((row) => {
    const notice = noticeSchema.parse({ kind: row.kind, data: row.data });
    return { id: row.id, message: noticeText(notice), href: noticeHref(notice) };
  });
}

/** How many of the user's notices are not yet dismissed (read): the count beside "Notifications" in a portal's header. */
export async function countUnreadNotices(userId: string): Promise<number> {
  return prisma.userNotice.count({ where: { userId, dismissedAt: null } });
}

export const NOTIFICATIONS_PAGE = 30;

export interface NotificationRow extends NoticeView {
  kind: Notice["kind"];
  createdAt: Date;
  /** When the user dismissed (read) it; null while unread. */
  dismissedAt: Date | null;
}

/** The /notifications page: a page of the user's notices (all, or only the unread) and how many are unread. */
export async function notificationsView(userId: string, filter: { cursor?: string; unreadOnly: boolean }) {
  const [page, unread] = await Promise.all([listNotifications(userId, { cursor: filter.cursor, unread: filter.unreadOnly }), countUnreadNotices(userId)]);
  return { ...page, unread, unreadOnly: filter.unreadOnly };
}

/** Every notice of the user, read or not, newest first, a page at a time (the /notifications page). */
export async function listNotifications(userId: string, filter: { cursor?: string; unread?: boolean } = {}) {
  const rows = await prisma.userNotice.findMany({
    where: { userId, ...(filter.unread ? { dismissedAt: null } : {}), ...keysetAfter("createdAt", decodeKeysetCursor(filter.cursor)) },
    orderBy: newestFirst("createdAt"),
    take: NOTIFICATIONS_PAGE + 1,
  });
  const page = keysetPage(rows, NOTIFICATIONS_PAGE, (r) => r.createdAt);
  return {
    nextCursor: page.nextCursor,
    rows: page.rows.map((row): NotificationRow => {
      const notice = noticeSchema.parse({ kind: row.kind, data: row.data });
      return { id: row.id, kind: notice.kind, message: noticeText(notice), href: noticeHref(notice), createdAt: row.createdAt, dismissedAt: row.dismissedAt };
    }),
  };
}

/** Hides every open notice of the user. */
export async function dismissAllNotices(userId: string): Promise<number> {
  const { count } = await prisma.userNotice.updateMany({ where: { userId, dismissedAt: null }, data: { dismissedAt: new Date() } });
  return count;
}

/** Hides one of the user's own notices; dismissing it again changes nothing. 404 for anyone else's. */
export async function dismissNotice(userId: string, noticeId: string) {
  const notice = await prisma.userNotice.findFirst({ where: { id: noticeId, userId }, select: { dismissedAt: true } });
  if (!notice) throw new NotFoundError("Notice");
  if (!notice.dismissedAt) await prisma.userNotice.updateMany({ where: { id: noticeId, userId, dismissedAt: null }, data: { dismissedAt: new Date() } });
}

function noticeHref(notice: Notice): string | null {
  switch (notice.kind) {
    case "DISPUTE":
    case "INVOICE":
    case "MODERATION":
      return notice.data.href;
    case "AUTO_RECHARGE_FAILED":
    case "LOW_BALANCE":
      return "/advertiser/billing";
    case "LEAD_RETURNED":
      return `/affiliate/disputes/${notice.data.disputeId}`;
    case "PAYOUT_SENT":
      return "/affiliate/payouts";
    case "ACCOUNT_LOCKED":
      return null;
  }
}

export function noticeText(notice: Notice): string {
  switch (notice.kind) {
    case "ACCOUNT_LOCKED": {
      const { lockedAt, lockedUntil, failures, clientAddress } = notice.data;
      const seconds = Math.round((Date.parse(lockedUntil) - Date.parse(lockedAt)) / 1000);
      return (
        `Your account was locked for ${formatDuration(seconds)} on ${formatUtcMinute(lockedAt)} after ${failures} failed sign-in attempts ` +
        `from ${clientAddress}. If this wasn't you, change your password.`
      );
    }
    case "DISPUTE":
    case "INVOICE":
    case "MODERATION":
      return notice.data.message;
    case "LEAD_RETURNED": {
      const { externalId, reason, amountCents, currency } = notice.data;
      const money =
        amountCents > 0 ? `${formatMoney(amountCents, currency)} of your earnings on it is taken back` : "you keep your earning on it (Leadex bears the cost)";
      return `Your lead ${externalId} was returned by its buyer (${reason}); ${money}.`;
    }
    case "PAYOUT_SENT":
      return `A payout of ${formatMoney(notice.data.amountCents, notice.data.currency)} was sent to your bank account; it usually arrives within two business days.`;
    case "LOW_BALANCE": {
      const { currency, walletCents, creditCents, neededCents, basis } = notice.data;
      const funds =
        creditCents > 0
          ? `${formatMoney(walletCents, currency)} plus your credit limit of ${formatMoney(creditCents, currency)}`
          : formatMoney(walletCents, currency);
      const need =
        basis === "price" ? `its next lead costs ${formatMoney(neededCents, currency)}` : `it needs a reserve of ${formatMoney(neededCents, currency)}`;
      return (
        `Your wallet can no longer pay for leads: it holds ${funds}, and even your cheapest open order stops receiving leads because ${need}. ` +
        `Top up on the billing page to receive leads again.`
      );
    }
    case "AUTO_RECHARGE_FAILED": {
      const { amountCents, currency, reason } = notice.data;
      return (
        `Auto-recharge of ${formatMoney(amountCents, currency)} failed: ${reason} Auto-recharge is paused; ` +
        `pay on the billing page or save another card to resume it.`
      );
    }
  }
}
