import { randomBytes } from "node:crypto";
import { hotPathQuery, prisma } from "~/utils/db.server";

// Random bytes for row ids, drawn 4 KiB at a time: one randomBytes call per id cost more than
// the rest of the id (three ids per postback).
const RANDOM_POOL_BYTES = 4096;
const ID_RANDOM_BYTES = 9;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

/** A row id in the spirit of Prisma's cuid(): time-ordered prefix, random tail. */
export function newRowId(): string {
  if (randomOffset + ID_RANDOM_BYTES > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomOffset = 0;
  }
  const tail = randomPool.toString("base64url", randomOffset, randomOffset + ID_RANDOM_BYTES);
  randomOffset += ID_RANDOM_BYTES;
  return `c${Date.now().toString(36)}${tail}`;
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
  outboxMessage?: { id: string; queue: string; key: string; payload: unknown };
}

interface OutboxTarget {
  queue: string;
  key: (leadId: string) => string;
}

interface Pending {
  row: NewLeadRow;
  leadId: string;
  resolve: (stored: StoredLead) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 200;
const pending: Pending[] = [];
let scheduled = false;
let outboxTarget: OutboxTarget | undefined;

/**
 * Stores a received lead, its first timeline line and its outbox message, or finds the lead
 * this affiliate already sent with the same id. Postbacks arriving together are written by ONE
 * statement (one round trip, one commit): see docs/decisions/003-postback-hot-path.md.
 */
export function insertReceivedLead(row: NewLeadRow, outbox: OutboxTarget): Promise<StoredLead> {
  outboxTarget = outbox;
  return new Promise((resolve, reject) => {
    pending.push({ row, leadId: newRowId(), resolve, reject });
    if (pending.length >= MAX_BATCH) void flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(() => void flush());
    }
  });
}

async function flush(): Promise<void> {
  scheduled = false;
  const batch = pending.splice(0, MAX_BATCH);
  if (pending.length > 0 && !scheduled) {
    scheduled = true;
    setImmediate(() => void flush());
  }
  if (batch.length === 0) return;
  const outbox = outboxTarget!;
  try {
    await settleBatch(batch, outbox, await insertBatch(batch, outbox));
  } catch (error) {
    if (batch.length === 1) {
      batch[0].reject(error);
      return;
    }
    // One lead the database refused must not fail the others sent at the same moment: each is
    // stored on its own, so only the bad one answers with the error.
    await Promise.all(
      batch.map(async (item) => {
        try {
          await settleBatch([item], outbox, await insertBatch([item], outbox));
        } catch (itemError) {
          item.reject(itemError);
        }
      }),
    );
  }
}

/** Answers each postback of a stored batch: the new lead, or the first one stored with its id. */
async function settleBatch(batch: Pending[], outbox: OutboxTarget, inserted: Map<string, string>): Promise<void> {
  for (const item of batch) {
    if (inserted.has(item.leadId)) {
      const key = outbox.key(item.leadId);
      item.resolve({
        id: item.leadId,
        externalId: item.row.externalId,
        status: "RECEIVED",
        reasons: [],
        created: true,
        outboxMessage: {
          id: inserted.get(item.leadId)!,
          queue: outbox.queue,
          key,
          payload: { leadId: item.leadId },
        },
      });
    } else {
      // Already stored (a retry), or sent twice in this very batch: answer with the first.
      prisma.lead
        .findUniqueOrThrow({
          where: {
            affiliateId_externalId: {
              affiliateId: item.row.affiliateId,
              externalId: item.row.externalId,
            },
          },
          select: { id: true, externalId: true, status: true, reasons: true },
        })
        .then((first) => item.resolve({ ...first, created: false }), item.reject);
    }
  }
}

/** One INSERT … ON CONFLICT DO NOTHING for the leads, then their timeline lines and outbox rows. */
async function insertBatch(batch: Pending[], outbox: OutboxTarget): Promise<Map<string, string>> {
  const col = <T>(pick: (p: Pending) => T) => batch.map(pick);
  const json = (value: object | null) => (value === null ? null : JSON.stringify(value));
  const outboxIds = col(() => newRowId());
  const rows = await hotPathQuery<{ id: string; outbox_id: string }>(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
         AS t(id, offer_id, affiliate_id, external_id, raw_fields, sub_ids, ip, ua, consent, signals, ping_id, event_id, outbox_id, outbox_key)
     ), lead AS (
       INSERT INTO "Lead" ("id", "offerId", "affiliateId", "externalId", "reasons", "rawFields", "subIds", "ipAddress", "userAgent", "consent", "signals", "pingId")
       SELECT id, offer_id, affiliate_id, external_id, '{}', raw_fields::jsonb, sub_ids::jsonb, ip, ua, consent::jsonb, signals::jsonb, ping_id FROM input
       ON CONFLICT ("affiliateId", "externalId") DO NOTHING
       RETURNING "id", "externalId"
     ), event AS (
       INSERT INTO "LeadEvent" ("id", "leadId", "type", "message", "data")
       SELECT input.event_id, lead."id", 'received', 'Received by postback', jsonb_build_object('externalId', lead."externalId")
       FROM lead JOIN input ON input.id = lead."id"
     ), message AS (
       INSERT INTO "OutboxMessage" ("id", "queue", "key", "payload")
       SELECT input.outbox_id, $15, input.outbox_key, jsonb_build_object('leadId', lead."id")
       FROM lead JOIN input ON input.id = lead."id"
     )
     SELECT lead."id", input.outbox_id FROM lead JOIN input ON input.id = lead."id"`,
    [
      col((p) => p.leadId),
      col((p) => p.row.offerId),
      col((p) => p.row.affiliateId),
      col((p) => p.row.externalId),
      col((p) => JSON.stringify(p.row.rawFields)),
      col((p) => JSON.stringify(p.row.subIds)),
      col((p) => p.row.ipAddress),
      col((p) => p.row.userAgent),
      col((p) => json(p.row.consent)),
      col((p) => json(p.row.signals)),
      col((p) => p.row.pingId),
      col(() => newRowId()),
      outboxIds,
      col((p) => outbox.key(p.leadId)),
      outbox.queue,
    ],
    { name: "lead-intake-batch" },
  );
  return new Map(rows.map((r) => [r.id, r.outbox_id]));
}
