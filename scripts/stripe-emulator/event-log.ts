/** Every event the emulator has created, in order, and their webhook deliveries. */
import type Stripe from "stripe";
import { noSuch } from "./errors.js";
import type { EmittedEvent, EventContext } from "./objects.js";
import type { DeliveryRecord, WebhookSender } from "./webhooks.js";

/** Who caused an event: an API request (id, idempotency key) or nothing (a page or the dashboard). */
export type RequestInfo = Stripe.Event.Request | null;

export class EventLog {
  private readonly events: EmittedEvent[] = [];
  private readonly eventsById = new Map<string, EmittedEvent>();
  private backgroundQueue: Promise<void> = Promise.resolve();

  constructor(private readonly webhooks: WebhookSender) {}

  all(): EmittedEvent[] {
    return [...this.events];
  }

  /** `account`: the connected account the request acts as (events on other accounts are not found). */
  get(id: string, account: string | null = null): EmittedEvent {
    const event = this.eventsById.get(id);
    if (!event || (event.account ?? null) !== account) throw noSuch("event", id);
    return event;
  }

  find(id: string): EmittedEvent {
    const event = this.eventsById.get(id);
    if (!event) throw noSuch("event", id);
    return event;
  }

  deliveryRecord(eventId: string): DeliveryRecord | undefined {
    return this.webhooks.record(eventId);
  }

  context(request: RequestInfo, account?: string): EventContext {
    return { pendingWebhooks: this.webhooks.hasEndpoint(account) ? 1 : 0, request, account };
  }

  /** Resolves when the deliveries started so far (including retries) have finished. */
  async waitForWebhooks(): Promise<void> {
    let queue: Promise<void>;
    do {
      queue = this.backgroundQueue;
      await queue;
    } while (queue !== this.backgroundQueue);
  }

  /** Records the event and resolves once its webhook is delivered (or given up), in order. */
  async emitAndDeliver(event: EmittedEvent): Promise<void> {
    this.record(event);
    const previous = this.backgroundQueue;
    const delivery = previous.then(() => this.webhooks.deliver(event)).then(() => undefined);
    this.backgroundQueue = delivery;
    await delivery;
  }

  /** Like Stripe: the API call returns at once, the webhook follows. Deliveries run in order. */
  emitInBackground(event: EmittedEvent): void {
    this.record(event);
    this.backgroundQueue = this.backgroundQueue.then(() => this.webhooks.deliver(event)).then(() => undefined);
  }

  private record(event: EmittedEvent): void {
    this.events.push(event);
    this.eventsById.set(event.id, event);
  }
}
