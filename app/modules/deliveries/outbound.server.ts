import type { OutboundDelivery, OutboundKind, OutboundStatus } from "~/generated/prisma/client";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { addOutboxMessage, dispatchOutboxMessage, markOutboxProcessed } from "~/modules/outbox/outbox.server";
import { OUTBOUND_DELIVERY_QUEUE, outboundDeliveryKey } from "~/queues/outbound-delivery.queue.server";
import { prisma, type Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { NotFoundError } from "~/utils/errors";
import { decodeKeysetCursor, keysetAfter, keysetPage, newestFirst } from "~/utils/keyset-cursor.server";
import { answerStatusText, isSuccessStatus, sendOutboundRequest } from "~/utils/outbound-http.server";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import type { DeliveryLogFilter } from "./deliveries.schema";
import { ensureSigningSecret, SIGNATURE_HEADER, signatureHeaderValue } from "./signing.server";

// Outbound deliveries: a row (with its outbox message) written in the transaction that caused it,
// then sent by the worker, signed, every attempt logged, retried with backoff until delivered or
// out of attempts, and replayable by its owner from the portal.

export interface NewOutboundDelivery {
  kind: OutboundKind;
  companyId: string;
  leadId: string;
  orderId: string | null;
  event: string;
  dedupeKey: string;
  method: "GET" | "POST";
  url: string;
  body: string | null;
}

const KIND_LABEL: Record<OutboundKind, string> = { CRM_WEBHOOK: "CRM webhook", AFFILIATE_POSTBACK: "Postback" };
const TIMELINE_TYPE = { CRM_WEBHOOK: "delivery", AFFILIATE_POSTBACK: "postback" } as const satisfies Record<OutboundKind, string>;

/** Writes the delivery and its outbox message; the same dedupe key again returns the first delivery. */
export async function queueOutboundDelivery(tx: Tx, input: NewOutboundDelivery): Promise<OutboundDelivery> {
  const existing = await tx.outboundDelivery.findUnique({ where: { dedupeKey: input.dedupeKey } });
  if (existing) return existing;
  const delivery = await tx.outboundDelivery.create({ data: input });
  await addOutboxMessage(tx, OUTBOUND_DELIVERY_QUEUE, outboundDeliveryKey(delivery.id), { deliveryId: delivery.id });
  await recordLeadEvent(tx, input.leadId, TIMELINE_TYPE[input.kind], `${KIND_LABEL[input.kind]} queued (${input.event}): ${input.method} ${input.url}`, {
    deliveryId: delivery.id,
    event: input.event,
  });
  return delivery;
}

/**
 * Enqueues the lead's deliveries that are still only outbox rows (after the transaction that
 * wrote them committed). If Redis refuses, the outbox sweeper sends them later.
 */
export async function dispatchLeadDeliveries(leadId: string): Promise<void> {
  await dispatchDeliveriesOfLeads([leadId]);
}

/** `dispatchLeadDeliveries` for a batch of leads: one query when none of them queued a delivery. */
export async function dispatchDeliveriesOfLeads(leadIds: string[]): Promise<void> {
  if (leadIds.length === 0) return;
  // Raw: asked after every batch of leads, which mostly has no delivery at all (ADR 010).
  const pending = await prisma.$queryRaw<Array<{ id: string }>>`SELECT id FROM "OutboundDelivery" WHERE "leadId" = ANY(${leadIds}) AND status = 'PENDING'`;
  if (pending.length === 0) return;
  const messages = await prisma.outboxMessage.findMany({
    where: { queue: OUTBOUND_DELIVERY_QUEUE, key: { in: pending.map((d) => outboundDeliveryKey(d.id)) }, enqueuedAt: null, processedAt: null },
  });
  for (const message of messages) await dispatchOutboxMessage(message);
}

interface AttemptResult {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseSnippet: string | null;
}

const SNIPPET_CHARS = 500;

async function sendOnce(delivery: OutboundDelivery): Promise<AttemptResult> {
  const env = getEnv();
  const secret = await ensureSigningSecret(prisma, delivery.companyId);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "user-agent": "Leadex-Delivery/1",
    [SIGNATURE_HEADER]: signatureHeaderValue(secret, delivery.body ?? delivery.url, timestamp),
    "Leadex-Delivery-Id": delivery.id,
    "Leadex-Event": delivery.event,
  };
  if (delivery.body !== null) headers["content-type"] = "application/json";
  // A signed delivery goes where its owner said: the client follows no redirect.
  const result = await sendOutboundRequest({ method: delivery.method, url: delivery.url, headers, body: delivery.body, timeoutMs: env.DELIVERY_TIMEOUT_MS });
  const { durationMs } = result;
  switch (result.outcome) {
    case "answer":
      return {
        statusCode: result.status,
        durationMs,
        error: isSuccessStatus(result.status) ? null : answerStatusText(result),
        responseSnippet: result.body.slice(0, SNIPPET_CHARS) || null,
      };
    case "refused":
      return { statusCode: null, durationMs, error: `Not sent: ${result.message}`, responseSnippet: null };
    case "timeout":
      return { statusCode: null, durationMs, error: `No answer within ${env.DELIVERY_TIMEOUT_MS} ms`, responseSnippet: null };
    case "too-large":
    case "network":
      return { statusCode: result.status, durationMs, error: result.message, responseSnippet: null };
  }
}

/** Logs one attempt and moves the delivery on: delivered on 2xx, failed once out of attempts. */
async function recordAttempt(delivery: OutboundDelivery, result: AttemptResult, replay: boolean): Promise<OutboundDelivery> {
  const maxAttempts = getEnv().DELIVERY_MAX_ATTEMPTS;
  return prisma.$transaction(async (tx) => {
    await tx.outboundAttempt.create({ data: { deliveryId: delivery.id, ...result, replay } });
    const current = await tx.outboundDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    const scheduled = await tx.outboundAttempt.count({ where: { deliveryId: delivery.id, replay: false } });
    const delivered = result.error === null;
    let status: OutboundStatus = current.status;
    if (delivered) status = "DELIVERED";
    else if (!replay && current.status === "PENDING" && scheduled >= maxAttempts) status = "FAILED";
    const updated = await tx.outboundDelivery.update({
      where: { id: delivery.id },
      data: {
        status,
        attempts: { increment: 1 },
        lastStatusCode: result.statusCode,
        lastError: result.error,
        ...(delivered ? { deliveredAt: new Date() } : {}),
      },
    });
    if (status !== "PENDING") await markOutboxProcessed(tx, OUTBOUND_DELIVERY_QUEUE, outboundDeliveryKey(delivery.id));
    // Speed to lead: a webhook buyer has the lead when its CRM first accepts the sale (a replay keeps that first time).
    if (delivered && delivery.kind === "CRM_WEBHOOK" && delivery.event === "sold" && delivery.orderId) {
      await tx.leadSale.updateMany({
        where: { leadId: delivery.leadId, orderId: delivery.orderId, deliveredAt: null },
        data: { deliveredAt: updated.deliveredAt },
      });
    }
    const label = KIND_LABEL[delivery.kind];
    const answer = result.statusCode !== null ? `HTTP ${result.statusCode}` : result.error;
    const message = replay
      ? `${label} replayed (${delivery.event}): ${answer}`
      : delivered
        ? `${label} delivered (${delivery.event}): ${answer} on attempt ${scheduled}`
        : status === "FAILED"
          ? `${label} failed (${delivery.event}) after ${scheduled} attempts: ${answer}`
          : `${label} attempt ${scheduled} of ${maxAttempts} failed (${delivery.event}): ${answer}; retrying`;
    await recordLeadEvent(tx, delivery.leadId, TIMELINE_TYPE[delivery.kind], message, {
      deliveryId: delivery.id,
      statusCode: result.statusCode,
      replay,
    });
    return updated;
  });
}

export class OutboundDeliveryRetryError extends Error {}

/**
 * The worker's step: sends a pending delivery once. Throws OutboundDeliveryRetryError when the
 * attempt failed and attempts remain, so the queue retries it after its backoff.
 */
export async function sendOutboundDelivery(deliveryId: string): Promise<"missing" | "already-done" | "delivered" | "failed"> {
  const delivery = await prisma.outboundDelivery.findUnique({ where: { id: deliveryId } });
  if (!delivery) return "missing";
  if (delivery.status !== "PENDING") {
    await markOutboxProcessed(prisma, OUTBOUND_DELIVERY_QUEUE, outboundDeliveryKey(delivery.id));
    return "already-done";
  }
  const updated = await recordAttempt(delivery, await sendOnce(delivery), false);
  if (updated.status === "PENDING") {
    throw new OutboundDeliveryRetryError(`delivery ${delivery.id} to ${delivery.url} failed: ${updated.lastError}`);
  }
  return updated.status === "DELIVERED" ? "delivered" : "failed";
}

/** Sends the actor's own delivery again now (whatever its status) and logs it as a replay. */
export async function replayOwnDelivery(actor: Actor, deliveryId: string): Promise<OutboundDelivery> {
  requirePermission(actor, "write:delivery:own");
  const delivery = await prisma.outboundDelivery.findFirst({ where: { id: deliveryId, companyId: actor.companyId } });
  if (!delivery) throw new NotFoundError("Delivery");
  return recordAttempt(delivery, await sendOnce(delivery), true);
}

/** How many deliveries a page of a delivery log shows. */
export const DELIVERY_LOG_PAGE = 50;
const ATTEMPTS_SHOWN = 10;

/** One page of the actor's delivery log of one kind, newest first (by status), with the latest attempts of each. */
export async function listOwnDeliveries(actor: Actor, kind: OutboundKind, filter: DeliveryLogFilter, pageSize = DELIVERY_LOG_PAGE) {
  requirePermission(actor, "read:delivery:own");
  const deliveries = await prisma.outboundDelivery.findMany({
    where: {
      AND: [{ companyId: actor.companyId, kind }, filter.status ? { status: filter.status } : {}, keysetAfter("createdAt", decodeKeysetCursor(filter.cursor))],
    },
    orderBy: newestFirst("createdAt"),
    take: pageSize + 1,
    include: { attemptLog: { orderBy: { attemptedAt: "desc" }, take: ATTEMPTS_SHOWN } },
  });
  const page = keysetPage(deliveries, pageSize, (d) => d.createdAt);
  const rows = page.rows.map((d) => ({
    id: d.id,
    leadId: d.leadId,
    orderId: d.orderId,
    event: d.event,
    method: d.method,
    url: d.url,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
    attemptLog: d.attemptLog.map((a) => ({
      id: a.id,
      attemptedAt: a.attemptedAt,
      statusCode: a.statusCode,
      durationMs: a.durationMs,
      error: a.error,
      responseSnippet: a.responseSnippet,
      replay: a.replay,
    })),
  }));
  return { rows, nextCursor: page.nextCursor };
}
export type DeliveryLogRow = Awaited<ReturnType<typeof listOwnDeliveries>>["rows"][number];
