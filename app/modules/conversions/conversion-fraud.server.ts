import { recordAudit } from "~/modules/audit/audit.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { prisma } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { reverseWholeConversion } from "./conversion-corrections.server";

/**
 * An admin marks a conversion as fraud: final. Whatever is left of it is reversed (the advertiser
 * gets its money back; the affiliate's earning is voided while held, or owed back as a clawback
 * once locked), the status becomes FRAUD with the admin's reason, and the decision is audited.
 */
export async function markConversionFraud(actor: Actor, conversionId: string, reason: string, now: Date = new Date()) {
  requirePermission(actor, "write:conversion:any");
  const why = reason.trim();
  if (why.length < 3) throw new ValidationError({ reason: "Say why, in a few words" }, "Say why this conversion is fraud", 400);
  return prisma.$transaction(async (tx) => {
    const conversion = await tx.conversion.findUnique({ where: { id: conversionId } });
    if (!conversion) throw new NotFoundError("Conversion");
    if (conversion.status === "FRAUD") throw new ConflictError("This conversion is already marked as fraud");
    if (conversion.status !== "REJECTED" && conversion.status !== "REVERSED") {
      await reverseWholeConversion(tx, conversionId, { key: "fraud", reason: `Fraud: ${why}` }, now, { overrideLock: true });
    }
    const updated = await tx.conversion.update({ where: { id: conversionId }, data: { status: "FRAUD", reasonCode: "fraud", reason: why, reversedAt: now } });
    await recordLeadEvent(tx, conversion.leadId, "conversion", `Conversion ${conversion.externalId} marked as fraud by an admin: ${why}`);
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "conversion.fraud",
      targetType: "Conversion",
      targetId: conversionId,
      data: { reason: why, previousStatus: conversion.status, payoutCents: conversion.payoutCents - conversion.reversedPayoutCents },
    });
    return updated;
  });
}
