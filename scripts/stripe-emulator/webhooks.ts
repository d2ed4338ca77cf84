/**
 * Webhook delivery in Stripe's format: JSON body, `Stripe-Signature: t=<unix>,v1=<hex>` where v1 is
 * HMAC-SHA256 of `${t}.${payload}` keyed with the endpoint secret (what `constructEvent` checks).
 * Each attempt is signed afresh; failures (network error or non-2xx) are retried with backoff.
 */
import { createHmac } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { EmittedEvent } from "./objects.js";

export function signPayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

export interface DeliveryAttempt {
  at: number;
  status: number | null; // null: network error
  error?: string;
}

export interface DeliveryRecord {
  eventId: string;
  attempts: DeliveryAttempt[];
  state: "not_sent" | "delivered" | "failed";
}

export interface WebhookEndpoint {
  url: string | undefined;
  secret: string;
}

export interface WebhookSenderOptions {
  /**
   * Where an event goes: events on a connected account (`event.account` set) go to the Connect
   * endpoint, the rest to the account endpoint; on Stripe these are two endpoints, each with its
   * own signing secret (they may share a URL).
   */
  endpoint: (connectedAccount: string | undefined) => WebhookEndpoint;
  log: (line: string) => void;
  /** Waits before the 2nd, 3rd, ... attempt. */
  backoffMs?: number[];
  timeoutMs?: number;
}

export class WebhookSender {
  private readonly records = new Map<string, DeliveryRecord>();
  private readonly backoffMs: number[];
  private readonly timeoutMs: number;
  private readonly stopController = new AbortController();

  constructor(private readonly opts: WebhookSenderOptions) {
    this.backoffMs = opts.backoffMs ?? [200, 400];
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** Aborts deliveries in flight and skips further attempts (used on close). */
  stop(): void {
    this.stopController.abort();
  }

  hasEndpoint(connectedAccount: string | undefined): boolean {
    return this.opts.endpoint(connectedAccount).url !== undefined;
  }

  record(eventId: string): DeliveryRecord | undefined {
    return this.records.get(eventId);
  }

  /** Delivers with retries; resolves once delivered or given up (never rejects). */
  async deliver(event: EmittedEvent): Promise<DeliveryRecord> {
    const record: DeliveryRecord = this.records.get(event.id) ?? { eventId: event.id, attempts: [], state: "not_sent" };
    this.records.set(event.id, record);
    const { url, secret } = this.opts.endpoint(event.account);
    if (!url || this.stopController.signal.aborted) return record;
    const payload = JSON.stringify(event, null, 2);
    for (let attempt = 0; attempt <= this.backoffMs.length; attempt++) {
      if (attempt > 0) {
        await sleep(this.backoffMs[attempt - 1], undefined, { signal: this.stopController.signal }).catch(() => undefined);
        if (this.stopController.signal.aborted) break;
      }
      const result = await this.post(url, secret, payload, event);
      record.attempts.push(result);
      if (result.status !== null && result.status >= 200 && result.status < 300) {
        record.state = "delivered";
        return record;
      }
    }
    record.state = "failed";
    this.opts.log(`[stripe-emulator] webhook ${event.type} ${event.id} failed after ${record.attempts.length} attempts`);
    return record;
  }

  /** One more delivery of the same event (same id and body); returns the HTTP status. */
  async resend(event: EmittedEvent): Promise<number> {
    const { url, secret } = this.opts.endpoint(event.account);
    if (!url) throw new Error("stripe-emulator: no webhook URL is set");
    const record: DeliveryRecord = this.records.get(event.id) ?? { eventId: event.id, attempts: [], state: "not_sent" };
    this.records.set(event.id, record);
    const result = await this.post(url, secret, JSON.stringify(event, null, 2), event);
    record.attempts.push(result);
    if (result.status === null) throw new Error(`stripe-emulator: resending ${event.id} failed: ${result.error}`);
    if (result.status >= 200 && result.status < 300) record.state = "delivered";
    return result.status;
  }

  private async post(url: string, secret: string, payload: string, event: EmittedEvent): Promise<DeliveryAttempt> {
    const at = Date.now();
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          "stripe-signature": signPayload(payload, secret),
        },
        body: payload,
        redirect: "manual",
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.stopController.signal]),
      });
      await response.arrayBuffer().catch(() => undefined);
      this.opts.log(`[stripe-emulator] webhook ${event.type} ${event.id} -> ${response.status}`);
      return { at, status: response.status };
    } catch (error) {
      const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      this.opts.log(`[stripe-emulator] webhook ${event.type} ${event.id} -> network error: ${message}`);
      return { at, status: null, error: message };
    }
  }
}
