import type { Lead, Offer } from "~/generated/prisma/client";
import { DEFERRED_EARNINGS } from "~/modules/earnings/earnings.server";
import { DEFERRED_ENTRIES, DEFERRED_POSTINGS, forgetKnownLedgerAccounts, heldBalances } from "~/modules/ledger/ledger.server";
import { DEFERRED_SALES } from "~/modules/orders/lead-assignment.server";
import { markOutboxProcessedMany } from "~/modules/outbox/outbox.server";
import { prefetchBatchHistory } from "~/modules/quality/checks/batch-history.server";
import { lockPersons, personHashPairOf } from "~/modules/quality/verification.server";
import { LEAD_PROCESSING_QUEUE, leadProcessingKey } from "~/queues/lead-processing.queue.server";
import { lockBatchWallets, prepareBatchRouting } from "~/modules/routing/routing.server";
import { connectedTransaction, type Tx, txQuery } from "~/utils/db.server";
import { allowDeferredWrites, flushDeferredWrites } from "~/utils/tx-memo.server";
import { routeAcceptedLead, verifyAndScore, type ProcessOutcome } from "./lead-pipeline.server";
import { flushGatheredTimeline, withGatheredTimeline } from "./lead-timeline.server";

export interface BatchDecision {
  /** The outcome of each lead the batch decided (or found processed, or missing). */
  outcomes: Map<string, ProcessOutcome>;
  /** Leads posted with a bid token: their sale may call an external buyer, so each is decided alone after the batch. */
  alone: string[];
  /** Balances of the wallets the batch held, by ledger account code, as committed (the low-balance check reads them). */
  walletBalances: ReadonlyMap<string, bigint>;
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
  let walletBalances: ReadonlyMap<string, bigint> = new Map();
  try {
    await connectedTransaction(
      (tx) =>
        withGatheredTimeline(tx, async () => {
          // The row lock returns each lead as it is once locked (a lead another job decided meanwhile reads as decided).
          const locked = await txQuery<Array<Lead & { txNow: Date }>>(tx)`
            SELECT l.*, now() AS "txNow" FROM "Lead" l WHERE l.id = ANY(${ids}) ORDER BY l.id FOR UPDATE`;
          // Rows referring to others' are written after them: entries, postings, sales, earnings.
          allowDeferredWrites(tx, locked[0]?.txNow ?? new Date(), [DEFERRED_ENTRIES, DEFERRED_POSTINGS, DEFERRED_SALES, DEFERRED_EARNINGS]);
          const found = new Set(locked.map((l) => l.id));
          for (const id of ids) if (!found.has(id)) outcomes.set(id, "missing");
          for (const l of locked) if (l.pingId) alone.push(l.id);
          const mine = locked.filter((l) => !l.pingId).map(({ txNow: _, ...lead }) => lead as Lead);
          if (mine.length === 0) return;

          for (const lead of mine) if (lead.status !== "RECEIVED") outcomes.set(lead.id, "already-processed");
          const received = mine.filter((l) => l.status === "RECEIVED").sort(byArrival);
          const offers = await readOffers(tx, [...new Set(received.map((l) => l.offerId))]);
          const persons = received.map((lead) => ({ ...lead, offer: offers.get(lead.offerId)!, hashes: personHashPairOf(lead, offers.get(lead.offerId)!) }));
          await lockPersons(
            tx,
            persons.flatMap(({ hashes }) => [hashes.emailHash, hashes.phoneHash].filter((h): h is string => h !== null)),
          );
          await prefetchBatchHistory(tx, persons);

          const accepted: Array<{ lead: Lead; offer: Offer }> = [];
          for (const { offer, hashes: _, ...lead } of persons) {
            const verdict = await verifyAndScore(tx, lead, offer);
            if (verdict.outcome === "accepted") accepted.push({ lead: verdict.lead, offer });
            else outcomes.set(lead.id, verdict.outcome);
          }

          // What needs no wallet lock is read and written before the batch takes them: the wallets
          // are then held only for routing and the sales' writes (docs/decisions/010-speed-to-lead.md).
          const wallets =
            accepted.length > 0
              ? await prepareBatchRouting(
                  tx,
                  accepted.map((a) => a.lead),
                )
              : null;
          await flushDeferredWrites(tx);
          await markOutboxProcessedMany(
            tx,
            LEAD_PROCESSING_QUEUE,
            mine.map((lead) => leadProcessingKey(lead.id)),
          );
          if (!wallets) return;
          await flushGatheredTimeline(tx);
          await lockBatchWallets(tx, wallets);
          for (const { lead, offer } of accepted) outcomes.set(lead.id, await routeAcceptedLead(tx, lead, offer));
          await flushDeferredWrites(tx);
          walletBalances = heldBalances(tx);
        }),
      { timeout: 30_000, maxWait: 10_000 },
    );
  } catch (error) {
    forgetKnownLedgerAccounts();
    throw error;
  }
  return { outcomes, alone, walletBalances };
}

/** Arrival order: the order the checks compare leads of one person in. */
function byArrival(a: Lead, b: Lead): number {
  return a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

async function readOffers(tx: Tx, offerIds: string[]): Promise<Map<string, Offer>> {
  const offers = await txQuery<Offer[]>(tx)`SELECT * FROM "Offer" WHERE id = ANY(${offerIds})`;
  return new Map(offers.map((offer) => [offer.id, offer]));
}
