import { recordAudit } from "~/modules/audit/audit.server";
import { recordNotice } from "~/modules/notices/notices.server";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";

// The temporary lock after too many failed sign-ins on one account. It lives on the user row (so
// it holds without Redis) and is written with its audit row and the owner's notice in one
// transaction: none exists without the others.

export interface LockReason {
  failures: number;
  clientAddress: string;
}

/**
 * Locks the account for LOGIN_LOCK_SECONDS and returns until when; null when it was already locked
 * (failures racing each other lock, audit and notify once).
 */
export async function lockAccount(userId: string, reason: LockReason): Promise<Date | null> {
  const lockedAt = new Date();
  const lockedUntil = new Date(lockedAt.getTime() + getEnv().LOGIN_LOCK_SECONDS * 1000);
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.user.updateMany({
      where: { id: userId, OR: [{ lockedUntil: null }, { lockedUntil: { lte: lockedAt } }] },
      data: { lockedUntil },
    });
    if (count === 0) return null;
    const data = { lockedAt: lockedAt.toISOString(), lockedUntil: lockedUntil.toISOString(), failures: reason.failures, clientAddress: reason.clientAddress };
    await recordAudit(tx, { actorId: null, action: "account.locked", targetType: "User", targetId: userId, data });
    await recordNotice(tx, userId, { kind: "ACCOUNT_LOCKED", data });
    return lockedUntil;
  });
}

/** Whole seconds until the lock ends (at least 1), or 0 when the account is not locked. */
export function secondsLocked(user: { lockedUntil: Date | null }, now = Date.now()): number {
  if (!user.lockedUntil || user.lockedUntil.getTime() <= now) return 0;
  return Math.max(1, Math.ceil((user.lockedUntil.getTime() - now) / 1000));
}
