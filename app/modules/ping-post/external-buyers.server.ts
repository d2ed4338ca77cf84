import { SIGNATURE_HEADER, signatureHeaderValue } from "~/modules/deliveries/signing.server";
import { answerStatusText, isSuccessStatus, sendOutboundRequest } from "~/utils/outbound-http.server";
import { buyerPingAnswerSchema, buyerPostAnswerSchema } from "./ping-post.schema";

// HTTP calls to external buyers (orders with a pingUrl / postUrl). Every call has a deadline
// and every outcome is returned, never thrown: the caller records it against the buyer.

export type ExternalPingOutcome =
  | { status: "BID"; priceCents: number; latencyMs: number; detail: null }
  | { status: "NO_BID" | "TIMEOUT" | "ERROR"; priceCents: null; latencyMs: number; detail: string };

export type ExternalPostOutcome = { accepted: true; latencyMs: number } | { accepted: false; latencyMs: number; detail: string };

type Answer = { ok: true; body: unknown } | { ok: false; timedOut: boolean; detail: string };

/** Every call is signed with the buyer's signing secret, like CRM webhooks (docs/api.md, *Signature*). */
async function postJson(url: string, body: unknown, deadlineMs: number, signingSecret: string): Promise<Answer> {
  const payload = JSON.stringify(body);
  const result = await sendOutboundRequest({
    method: "POST",
    url,
    headers: {
      "content-type": "application/json",
      "user-agent": "Leadex-PingPost/1",
      [SIGNATURE_HEADER]: signatureHeaderValue(signingSecret, payload, Math.floor(Date.now() / 1000)),
    },
    body: payload,
    timeoutMs: deadlineMs,
  });
  switch (result.outcome) {
    case "answer":
      if (!isSuccessStatus(result.status)) return { ok: false, timedOut: false, detail: answerStatusText(result) };
      try {
        return { ok: true, body: JSON.parse(result.body) };
      } catch {
        return { ok: false, timedOut: false, detail: "answer is not JSON" };
      }
    case "refused":
      return { ok: false, timedOut: false, detail: `not called: ${result.message}` };
    case "timeout":
      return { ok: false, timedOut: true, detail: result.message };
    case "too-large":
      return { ok: false, timedOut: false, detail: result.message };
    case "network":
      return { ok: false, timedOut: false, detail: `request failed${result.code ? ` (${result.code})` : ""}` };
  }
}

/** Asks one external buyer for a price. */
export async function pingExternalBuyer(url: string, body: unknown, deadlineMs: number, signingSecret: string): Promise<ExternalPingOutcome> {
  const started = performance.now();
  const answer = await postJson(url, body, deadlineMs, signingSecret);
  const latencyMs = Math.round(performance.now() - started);
  if (!answer.ok) return { status: answer.timedOut ? "TIMEOUT" : "ERROR", priceCents: null, latencyMs, detail: answer.detail };
  const parsed = buyerPingAnswerSchema.safeParse(answer.body);
  if (!parsed.success) return { status: "ERROR", priceCents: null, latencyMs, detail: 'malformed answer: expected {"bid_cents": <int>} or {"bid": false}' };
  if ("bid" in parsed.data) return { status: "NO_BID", priceCents: null, latencyMs, detail: "the buyer declined to bid" };
  return { status: "BID", priceCents: parsed.data.bid_cents, latencyMs, detail: null };
}

/** Sends the full lead to the external buyer that won the ping; it must answer {"accepted": true}. */
export async function postToExternalBuyer(url: string, body: unknown, deadlineMs: number, signingSecret: string): Promise<ExternalPostOutcome> {
  const started = performance.now();
  const answer = await postJson(url, body, deadlineMs, signingSecret);
  const latencyMs = Math.round(performance.now() - started);
  if (!answer.ok) return { accepted: false, latencyMs, detail: answer.detail };
  const parsed = buyerPostAnswerSchema.safeParse(answer.body);
  if (!parsed.success) return { accepted: false, latencyMs, detail: 'malformed answer: expected {"accepted": true|false}' };
  if (!parsed.data.accepted) return { accepted: false, latencyMs, detail: parsed.data.reason ? `declined: ${parsed.data.reason}` : "declined" };
  return { accepted: true, latencyMs };
}
