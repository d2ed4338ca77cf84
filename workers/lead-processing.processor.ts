import type { Job } from "bull";
import { checkWalletsAfterLeadSales } from "~/modules/billing/wallet-checks.server";
import { dispatchDeliveriesOfLeads, dispatchLeadDeliveries } from "~/modules/deliveries/outbound.server";
import { decideLeadBatch } from "~/modules/leads/lead-batch.server";
import { processReceivedLead, type ProcessOutcome } from "~/modules/leads/lead-pipeline.server";
import { leadProcessingPayloadSchema } from "~/queues/lead-processing.queue.server";

/** Jobs of the lead-processing queue one worker process holds at once (handed to the batcher). */
export const LEAD_PROCESSING_CONCURRENCY = 64;
/** Leads decided in one transaction at most. */
const MAX_BATCH = 32;
/** Batches in flight per process: one checks its leads while the other routes under the wallet locks. */
const BATCHES_IN_FLIGHT = 2;

export async function leadProcessingProcessor(job: Job<unknown>) {
  const { leadId } = leadProcessingPayloadSchema.parse(job.data);
  const outcome = await decideSoon(leadId);
  return { outcome };
}

/** One lead alone, then its deliveries and its buyers' wallets (auto-recharge, low balance) once it committed. */
async function processAlone(leadId: string): Promise<ProcessOutcome> {
  const outcome = await processReceivedLead(leadId);
  // The webhooks and postbacks that processing queued are outbox rows now that it committed.
  await dispatchLeadDeliveries(leadId);
  if (outcome === "sold") await checkWalletsAfterLeadSales([leadId]);
  return outcome;
}

// The batcher: jobs wait here while the batches in flight run, so a burst is decided in batches of
// up to MAX_BATCH and a lone lead at once, as a batch of one (no timer: a batch starts as soon as a slot is free).
interface Waiter {
  leadId: string;
  resolve: (outcome: ProcessOutcome) => void;
  reject: (error: unknown) => void;
}
let waiting: Waiter[] = [];
let inFlight = 0;

function decideSoon(leadId: string): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    waiting.push({ leadId, resolve, reject });
    startBatches();
  });
}

function startBatches() {
  while (inFlight < BATCHES_IN_FLIGHT && waiting.length > 0) {
    const batch = waiting.slice(0, MAX_BATCH);
    waiting = waiting.slice(MAX_BATCH);
    inFlight++;
    void runBatch(batch).finally(() => {
      inFlight--;
      startBatches();
    });
  }
}

async function runBatch(batch: Waiter[]) {
  // A lone lead goes the batch's way too: its statements are the batch's raw ones, not Prisma's (ADR 010).
  let decided: Awaited<ReturnType<typeof decideLeadBatch>>;
  try {
    decided = await decideLeadBatch(batch.map((w) => w.leadId));
  } catch (error) {
    // One lead's failure must not fail the others: each is decided alone (and fails alone).
    console.warn(`[lead-processing] batch of ${batch.length} rolled back (${error instanceof Error ? error.message : String(error)}); deciding each alone`);
    await Promise.all(batch.map((w) => settle(w, () => processAlone(w.leadId))));
    return;
  }
  const { outcomes, alone, walletBalances } = decided;
  try {
    const ids = [...outcomes.keys()];
    await dispatchDeliveriesOfLeads(ids);
    await checkWalletsAfterLeadSales(
      ids.filter((id) => outcomes.get(id) === "sold"),
      walletBalances,
    );
  } catch (error) {
    // The decisions committed; the jobs fail so their retries (finding the leads processed) send the deliveries again.
    for (const w of batch) if (outcomes.has(w.leadId)) w.reject(error);
  }
  for (const w of batch) {
    const outcome = outcomes.get(w.leadId);
    if (outcome) w.resolve(outcome);
  }
  const pinged = new Set(alone);
  await Promise.all(batch.filter((w) => pinged.has(w.leadId)).map((w) => settle(w, () => processAlone(w.leadId))));
}

async function settle(waiter: Waiter, work: () => Promise<ProcessOutcome>) {
  try {
    waiter.resolve(await work());
  } catch (error) {
    waiter.reject(error);
  }
}
