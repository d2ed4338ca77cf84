/**
 * A local, in-memory stand-in for the parts of the Stripe API Leadex uses, for the offline demo
 * and for tests. The official `stripe` SDK talks to it with
 * `new Stripe(key, { host, port, protocol: "http" })`.
 *
 *   /v1/...                 JSON API (api.ts)
 *   /checkout/:id[/pay]     hosted payment page (hosted-checkout.ts)
 *   /health                 "ok", for start-up probes
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";
import { ApiRouter } from "./api.js";
import { EmulatorCore } from "./core.js";
import { HostedCheckout } from "./hosted-checkout.js";
import { snapshot } from "./objects.js";
import { type DeliveryRecord, WebhookSender } from "./webhooks.js";

export interface StripeEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  webhookUrl?: string;
  webhookSecret: string;
  log?: (line: string) => void;
}

export interface StripeEmulator {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  host: string;
  setWebhookUrl(url: string): void;
  /** Same as paying on the hosted page with a good test card (webhooks delivered before it resolves). */
  completeCheckoutSession(id: string): Promise<Stripe.Checkout.Session>;
  /** Every event created so far, oldest first, whether or not its delivery succeeded. */
  deliveredEvents(): Stripe.Event[];
  /** Delivers the same event (same id and body) once more; resolves to the HTTP status. */
  resendEvent(eventId: string): Promise<number>;
  /** Delivery attempts per event (state "delivered", "failed" or "not_sent"). */
  webhookDeliveries(): DeliveryRecord[];
  /** Resolves once all webhook deliveries started so far (including retries) are finished. */
  waitForWebhooks(): Promise<void>;
  close(): Promise<void>;
}

export async function startStripeEmulator(opts: StripeEmulatorOptions): Promise<StripeEmulator> {
  if (!opts.webhookSecret) throw new Error("stripe-emulator: webhookSecret is required");
  const log = opts.log ?? (() => {});
  const host = opts.host ?? "127.0.0.1";
  let webhookUrl = opts.webhookUrl || undefined;
  let baseUrl = "";

  const webhooks = new WebhookSender({ secret: opts.webhookSecret, url: () => webhookUrl, log });
  const core = new EmulatorCore(webhooks, () => webhookUrl !== undefined, () => baseUrl);
  const api = new ApiRouter(core, log);
  const hosted = new HostedCheckout(core, log);

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`[stripe-emulator] unhandled error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error");
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", baseUrl);
    if (url.pathname.startsWith("/v1/")) return api.handle(req, res, url);
    if (await hosted.handle(req, res, url)) return;
    if (url.pathname === "/health") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log(`[stripe-emulator] listening on ${baseUrl}`);

  let closed: Promise<void> | undefined;

  return {
    url: baseUrl,
    port,
    host,
    setWebhookUrl(url: string) {
      webhookUrl = url || undefined;
    },
    async completeCheckoutSession(id: string) {
      const record = core.getCheckoutSession(id);
      const result = await core.payCheckoutSession(
        id,
        { number: "4242424242424242", expiry: "12 / 34", cvc: "123" },
        core.defaultEmail(record) || "test@example.com",
      );
      switch (result.kind) {
        case "paid":
        case "already_paid":
          return snapshot(result.session);
        case "not_open":
          throw new Error(`stripe-emulator: checkout session ${id} is ${result.session.status}, not open`);
        default:
          throw new Error(`stripe-emulator: paying checkout session ${id} failed: ${result.message}`);
      }
    },
    deliveredEvents() {
      return snapshot(core.allEvents());
    },
    async resendEvent(eventId: string) {
      return webhooks.resend(core.getEvent(eventId));
    },
    webhookDeliveries() {
      return core.allEvents().flatMap((e) => {
        const record = core.deliveryRecord(e.id);
        return record ? [snapshot(record)] : [];
      });
    },
    waitForWebhooks() {
      return core.waitForWebhooks();
    },
    close() {
      closed ??= (async () => {
        webhooks.stop();
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        });
        await core.waitForWebhooks();
      })();
      return closed;
    },
  };
}
