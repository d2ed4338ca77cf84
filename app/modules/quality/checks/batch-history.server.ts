import { txQuery } from "~/utils/db.server";
import type { Lead, Offer } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";
import { txMemo } from "~/utils/tx-memo.server";
import { offerQualityRules } from "../quality.schema";
import { PLATFORM_SCOPE } from "../suppression.server";

// The history checks' reads for a whole batch of leads (docs/decisions/010-speed-to-lead.md): one
// query each for duplicates, velocity counts and the platform suppression list, read after the
// batch holds every person lock of its leads. The checks then answer from memory, exactly as their
// own query would: a lead of the batch decided earlier (accepted or held) is compared in memory in
// arrival order, since the prefetch ran before it had a verdict. A lead alone has no prefetch and
// its checks query as before.

const MEMO_KEY = "batch-history";
const DAY_MS = 86_400_000;

/** A lead that counts as an earlier sending of its person: not waiting for verification, not rejected. */
export interface PriorLead {
  id: string;
  offerId: string;
  receivedAt: Date;
  emailHash: string | null;
  phoneHash: string | null;
}

interface BatchHistory {
  leadIds: Set<string>;
  /** Leads outside the batch (or already decided before it) with a person hash of the batch, oldest first. */
  prior: PriorLead[];
  /** Leads of the batch given a verdict that counts (accepted, held), in the order they got it. */
  decided: PriorLead[];
  /** Leads received before each lead, per offer and affiliate in the hour and per offer and IP in the day. */
  affiliateBefore: Map<string, number>;
  ipBefore: Map<string, number>;
  /** Platform suppression list entries of the batch's hashes, `${kind}:${hash}`. */
  suppressed: Set<string>;
}

type BatchLead = Pick<Lead, "id" | "offerId" | "ipAddress"> & {
  offer: Pick<Offer, "qualityRules">;
  hashes: { emailHash: string | null; phoneHash: string | null };
};

function historyOf(tx: Tx): BatchHistory | undefined {
  return txMemo(tx).get(MEMO_KEY) as BatchHistory | undefined;
}

/** Reads the history checks' facts for every lead of a batch (the caller holds their person locks). */
export async function prefetchBatchHistory(tx: Tx, leads: BatchLead[]): Promise<void> {
  if (leads.length === 0) return;
  const emailHashes = [...new Set(leads.flatMap((l) => (l.hashes.emailHash ? [l.hashes.emailHash] : [])))];
  const phoneHashes = [...new Set(leads.flatMap((l) => (l.hashes.phoneHash ? [l.hashes.phoneHash] : [])))];
  const rules = new Map(leads.map((l) => [l.id, offerQualityRules(l.offer.qualityRules)]));
  const maxDays = Math.max(0, ...[...rules.values()].flatMap((r) => [r.duplicateWindowDays, r.crossOfferDuplicateWindowDays]));
  const affiliateIds = leads.filter((l) => rules.get(l.id)!.maxLeadsPerAffiliatePerHour !== 0).map((l) => l.id);
  const ipIds = leads.filter((l) => rules.get(l.id)!.maxLeadsPerIpPerDay !== 0 && l.ipAddress).map((l) => l.id);
  const persons = emailHashes.length + phoneHashes.length > 0;

  const [prior, counts, suppressed] = await Promise.all([
    persons && maxDays > 0
      ? txQuery<PriorLead[]>(tx)`
          SELECT id, "offerId", "receivedAt", "emailHash", "phoneHash" FROM "Lead"
          WHERE "receivedAt" >= ${new Date(Date.now() - maxDays * DAY_MS).toISOString()}::timestamp(3) AND status NOT IN ('RECEIVED', 'REJECTED')
            AND ("emailHash" = ANY(${emailHashes}) OR "phoneHash" = ANY(${phoneHashes}))
          ORDER BY "receivedAt", id`
      : [],
    affiliateIds.length + ipIds.length > 0
      ? // Ties on receivedAt go by id, as the checks' own counts do (history-checks.server.ts).
        txQuery<Array<{ id: string; affiliateBefore: number | null; ipBefore: number | null }>>(tx)`
          SELECT t.id,
            CASE WHEN t.id = ANY(${affiliateIds}) THEN (SELECT count(*)::int FROM "Lead" l
              WHERE l."offerId" = t."offerId" AND l."affiliateId" = t."affiliateId"
                AND l."receivedAt" >= t."receivedAt" - interval '1 hour' AND l."receivedAt" <= t."receivedAt"
                AND (l."receivedAt" < t."receivedAt" OR l.id < t.id)) END AS "affiliateBefore",
            CASE WHEN t.id = ANY(${ipIds}) THEN (SELECT count(*)::int FROM "Lead" l
              WHERE l."offerId" = t."offerId" AND l."ipAddress" = t."ipAddress"
                AND l."receivedAt" >= t."receivedAt" - interval '1 day' AND l."receivedAt" <= t."receivedAt"
                AND (l."receivedAt" < t."receivedAt" OR l.id < t.id)) END AS "ipBefore"
          FROM "Lead" t WHERE t.id = ANY(${[...new Set([...affiliateIds, ...ipIds])]})`
      : [],
    persons
      ? txQuery<Array<{ kind: string; hash: string }>>(tx)`
          SELECT kind::text AS kind, hash FROM "SuppressionEntry"
          WHERE scope = ${PLATFORM_SCOPE} AND ((kind = 'EMAIL' AND hash = ANY(${emailHashes})) OR (kind = 'PHONE' AND hash = ANY(${phoneHashes})))`
      : [],
  ]);
  const affiliateBefore = new Map<string, number>();
  const ipBefore = new Map<string, number>();
  for (const row of counts) {
    if (row.affiliateBefore !== null) affiliateBefore.set(row.id, Number(row.affiliateBefore));
    if (row.ipBefore !== null) ipBefore.set(row.id, Number(row.ipBefore));
  }
  txMemo(tx).set(MEMO_KEY, {
    leadIds: new Set(leads.map((l) => l.id)),
    prior,
    decided: [],
    affiliateBefore,
    ipBefore,
    suppressed: new Set(suppressed.map((s) => `${s.kind}:${s.hash}`)),
  } satisfies BatchHistory);
}

/** Notes a batch lead's verdict that later leads of the batch must see as an earlier sending (accepted or held). */
export function rememberVerdict(tx: Tx, lead: PriorLead): void {
  const history = historyOf(tx);
  if (history?.leadIds.has(lead.id)) history.decided.push(lead);
}

/** The prefetched history of this lead's batch, or undefined (a lead alone queries). */
export function batchHistoryFor(tx: Tx, leadId: string) {
  const history = historyOf(tx);
  if (!history?.leadIds.has(leadId)) return undefined;
  return {
    /** The first earlier sending of this person in the window, as the duplicate check's query finds it. */
    duplicate(match: { sameOffer: boolean; offerId: string; since: Date; emailHash: string | null; phoneHash: string | null }): PriorLead | null {
      const hit = (l: PriorLead) =>
        l.id !== leadId &&
        (match.sameOffer ? l.offerId === match.offerId : l.offerId !== match.offerId) &&
        l.receivedAt.getTime() >= match.since.getTime() &&
        ((match.emailHash !== null && l.emailHash === match.emailHash) || (match.phoneHash !== null && l.phoneHash === match.phoneHash));
      return history.prior.find(hit) ?? history.decided.find(hit) ?? null;
    },
    affiliateBefore: history.affiliateBefore.get(leadId),
    ipBefore: history.ipBefore.get(leadId),
    /** The platform list's entry for this person: the email's when both are listed. */
    suppressedKind(person: { emailHash: string | null; phoneHash: string | null }): "EMAIL" | "PHONE" | null {
      if (person.emailHash && history.suppressed.has(`EMAIL:${person.emailHash}`)) return "EMAIL";
      if (person.phoneHash && history.suppressed.has(`PHONE:${person.phoneHash}`)) return "PHONE";
      return null;
    },
  };
}
