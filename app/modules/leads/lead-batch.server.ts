import { leadSaleEntryKey } from "~/modules/billing/lead-sales.server";
import { DEFERRED_EARNINGS } from "~/modules/earnings/earnings.server";
import {
  DEFERRED_ENTRIES,
  DEFERRED_POSTINGS,
  forgetKnownLedgerAccounts,
  ledgerAccountId,
  ledgerAccounts,
  lockLedgerAccounts,
  prefetchAbsentEntryKeys,
} from "~/modules/ledger/ledger.server";
import { DEFERRED_SALES } from "~/modules/orders/lead-assignment.server";
import { markOutboxProcessedMany } from "~/modules/outbox/outbox.server";
import { prefetchBatchHistory } from "~/modules/quality/checks/batch-history.server";
import { lockPersons, personHashPairOf } from "~/modules/quality/verification.server";
import { LEAD_PROCESSING_QUEUE, leadProcessingKey } from "~/queues/lead-processing.queue.server";
import { prefetchBuyerSuppressionMany } from "~/modules/routing/order-eligibility.server";
import { readOpenOrdersOnce, routingCandidateOf } from "~/modules/routing/routing.server";
import { prisma } from "~/utils/db.server";
import { allowDeferredWrites, flushDeferredWrites } from "~/utils/tx-memo.server";
import { routeAcceptedLead, verifyAndScore, type ProcessOutcome } from "./lead-pipeline.server";
import { withGatheredTimeline } from "./lead-timeline.server";

export interface BatchDecision {
  /** The outcome of each lead the batch decided (or found processed, or missing). */
  outcomes: Map<string, ProcessOutcome>;
  /** Leads posted with a bid token: their sale may call an external buyer, so each is decided alone after the batch. */
  alone: string[];
}

/**
 * Decides many received leads in one transaction (docs/decisions/010-speed-to-lead.md): the same
 * pipeline as `processReceivedLead`, lead by lead in arrival order, with the fixed costs shared.
 *
 * 1. The leads' row locks, in id order (a retried or duplicated job finds its lead processed).
 * 2. Every person advisory lock the batch's checks need, sorted, in one statement.
 * 3. The history checks' reads for all the leads at once (duplicates, velocity, platform
 *    suppression: batch-history.server.ts), then checks and score of each lead in arrival order;
 *    a duplicate in the same batch is found in memory among the leads given a verdict before it.
 * 4. The wallets of every open order of the accepted leads' offers, locked in id order in one
 *    statement, then each accepted lead routed under them (round-robin turns and caps see the
 *    sales made before them in the batch; the ledger still refuses an overdraft of each wallet).
 *    Which charges exist already and the buyers' suppression lists are read once for the batch.
 * 5. Deferred writes in one statement each (the sales' journal entries, postings, sale rows and
 *    held earnings, the orders' last sale times, the leads' final status; flushed earlier when
 *    something in the batch reads them: a balance, a cap, a postback, a CRM webhook),
 *    every timeline line in one INSERT and every outbox message marked processed in one UPDATE.
 *
 * Any error rolls the whole batch back; the caller then decides each lead alone.
 */
export async function decideLeadBatch(leadIds: string[]): Promise<BatchDecision> {
  const ids = [...new Set(leadIds)].sort();
  const outcomes = new Map<string, ProcessOutcome>();
  const alone: string[] = [];
  try {
    await prisma.$transaction(
      (tx) =>
        withGatheredTimeline(tx, async () => {
          const locked = await tx.$queryRaw<Array<{ id: string; pingId: string | null; txNow: Date }>>`
            SELECT id, "pingId", now() AS "txNow" FROM "Lead" WHERE id = ANY(${ids}) ORDER BY id FOR UPDATE`;
          // Rows referring to others' are written after them: entries, postings, sales, earnings.
          allowDeferredWrites(tx, locked[0]?.txNow ?? new Date(), [DEFERRED_ENTRIES, DEFERRED_POSTINGS, DEFERRED_SALES, DEFERRED_EARNINGS]);
          const found = new Set(locked.map((l) => l.id));
          for (const id of ids) if (!found.has(id)) outcomes.set(id, "missing");
          for (const l of locked) if (l.pingId) alone.push(l.id);
          const mine = locked.filter((l) => !l.pingId).map((l) => l.id);
          if (mine.length === 0) return;

          const leads = await tx.lead.findMany({ where: { id: { in: mine } }, include: { offer: true }, orderBy: [{ receivedAt: "asc" }, { id: "asc" }] });
          const received = leads.filter((l) => l.status === "RECEIVED");
          for (const lead of leads) if (lead.status !== "RECEIVED") outcomes.set(lead.id, "already-processed");
          const persons = received.map((lead) => ({ ...lead, hashes: personHashPairOf(lead, lead.offer) }));
          await lockPersons(
            tx,
            persons.flatMap(({ hashes }) => [hashes.emailHash, hashes.phoneHash].filter((h): h is string => h !== null)),
          );
          await prefetchBatchHistory(tx, persons);

          const accepted = [];
          for (const lead of received) {
            const verdict = await verifyAndScore(tx, lead, lead.offer);
            if (verdict.outcome === "accepted") accepted.push({ lead: verdict.lead, offer: lead.offer });
            else outcomes.set(lead.id, verdict.outcome);
          }

          if (accepted.length > 0) {
            const orders = await tx.order.findMany({
              where: { offerId: { in: [...new Set(accepted.map((a) => a.offer.id))] }, status: "OPEN", pingUrl: null },
              select: { id: true, offerId: true, advertiserId: true, currency: true },
            });
            const wallets = new Map(orders.map((o) => [`${o.advertiserId}:${o.currency}`, o]));
            const walletIds: string[] = [];
            for (const w of wallets.values()) walletIds.push(await ledgerAccountId(tx, ledgerAccounts.advertiserWallet(w.advertiserId, w.currency)));
            await lockLedgerAccounts(tx, walletIds);
            await readOpenOrdersOnce(tx, [...new Set(accepted.map((a) => a.offer.id))]);
            // What routing asks per lead and order, asked once for the batch: no charge exists yet for
            // these leads (their row locks are held) and which buyers suppressed which of them.
            const ordersOf = (offerId: string) => orders.filter((o) => o.offerId === offerId);
            await prefetchAbsentEntryKeys(
              tx,
              accepted.flatMap(({ lead }) => ordersOf(lead.offerId).map((o) => leadSaleEntryKey(lead.id, o.id))),
            );
            await prefetchBuyerSuppressionMany(
              tx,
              accepted.map(({ lead }) => ({ candidate: routingCandidateOf(lead), advertiserIds: ordersOf(lead.offerId).map((o) => o.advertiserId) })),
            );
            for (const { lead, offer } of accepted) outcomes.set(lead.id, await routeAcceptedLead(tx, lead, offer));
          }
          await flushDeferredWrites(tx);
          await markOutboxProcessedMany(
            tx,
            LEAD_PROCESSING_QUEUE,
            mine.map((id) => leadProcessingKey(id)),
          );
        }),
      { timeout: 30_000, maxWait: 10_000 },
    );
  } catch (error) {
    forgetKnownLedgerAccounts();
    throw error;
  }
  return { outcomes, alone };
}
