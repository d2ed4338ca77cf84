import { randomBytes } from "node:crypto";
import { prisma } from "~/utils/db.server";

/** A row id in the spirit of Prisma's cuid(): time-ordered prefix, random tail. */
export function newRowId(): string {
  return `c${Date.now().toString(36)}${randomBytes(9).toString("base64url")}`;
}

export interface NewLeadRow {
  offerId: string;
  affiliateId: string;
  externalId: string;
  rawFields: Record<string, string>;
  subIds: Record<string, string>;
  ipAddress: string | null;
  userAgent: string | null;
  consent: object | null;
  signals: object | null;
  pingId: string | null;
}

export interface StoredLead {
  id: string;
  externalId: string;
  status: string;
  reasons: string[];
  created: boolean;
}

/**
 * Stores a received lead, its first timeline line and its outbox message in ONE statement (one
 * round trip, atomic), or finds the lead this affiliate already sent with the same id. The
 * postback endpoint's hot path: see docs/decisions/003-postback-hot-path.md.
 */
export async function insertReceivedLead(
  row: NewLeadRow,
  outbox: { queue: string; key: (leadId: string) => string },
): Promise<StoredLead & { outboxMessage?: { id: string; queue: string; key: string; payload: unknown } }> {
  const leadId = newRowId();
  const eventId = newRowId();
  const outboxId = newRowId();
  const key = outbox.key(leadId);
  const payload = { leadId };
  const inserted = await prisma.$queryRaw<Array<{ id: string }>>`
    WITH lead AS (
      INSERT INTO "Lead" ("id", "offerId", "affiliateId", "externalId", "reasons", "rawFields", "subIds", "ipAddress", "userAgent", "consent", "signals", "pingId")
      VALUES (${leadId}, ${row.offerId}, ${row.affiliateId}, ${row.externalId}, '{}', ${JSON.stringify(row.rawFields)}::jsonb,
              ${JSON.stringify(row.subIds)}::jsonb, ${row.ipAddress}, ${row.userAgent},
              ${row.consent === null ? null : JSON.stringify(row.consent)}::jsonb, ${row.signals === null ? null : JSON.stringify(row.signals)}::jsonb, ${row.pingId})
      ON CONFLICT ("affiliateId", "externalId") DO NOTHING
      RETURNING "id"
    ), event AS (
      INSERT INTO "LeadEvent" ("id", "leadId", "type", "message", "data")
      SELECT ${eventId}, lead."id", 'received', 'Received by postback', ${JSON.stringify({ externalId: row.externalId })}::jsonb FROM lead
    ), message AS (
      INSERT INTO "OutboxMessage" ("id", "queue", "key", "payload")
      SELECT ${outboxId}, ${outbox.queue}, ${key}, ${JSON.stringify(payload)}::jsonb FROM lead
    )
    SELECT "id" FROM lead`;
  if (inserted.length === 1) {
    return {
      id: leadId,
      externalId: row.externalId,
      status: "RECEIVED",
      reasons: [],
      created: true,
      outboxMessage: { id: outboxId, queue: outbox.queue, key, payload },
    };
  }
  const first = await prisma.lead.findUniqueOrThrow({
    where: { affiliateId_externalId: { affiliateId: row.affiliateId, externalId: row.externalId } },
    select: { id: true, externalId: true, status: true, reasons: true },
  });
  return { ...first, created: false };
}
