/**
 * SetupIntents: how a card is saved for later off-session use. Checkout Sessions in `mode=setup`
 * make one (`setup_intent.created`); saving a card on the hosted page attaches a new card
 * PaymentMethod to the session's customer (`payment_method.attached`) and succeeds it
 * (`setup_intent.succeeded`). `GET /v1/setup_intents/:id` (expand payment_method), `GET /v1/setup_intents`.
 */
import type Stripe from "stripe";
import { ID, type Route, cannotExpand, listPage, route } from "./api-routes.js";
import { buildEvent } from "./connect-objects.js";
import { noSuch } from "./errors.js";
import type { EventLog } from "./event-log.js";
import { clientSecretFor, newId, nowSeconds } from "./ids.js";
import { snapshot } from "./objects.js";
import type { PaymentMethods, SavedCard } from "./payment-methods.js";

export class SetupIntents {
  private readonly intents = new Map<string, Stripe.SetupIntent>();

  constructor(
    private readonly paymentMethods: PaymentMethods,
    private readonly events: EventLog,
  ) {}

  create(input: { customer: string | null; description: string | null; metadata: Record<string, string> }): Stripe.SetupIntent {
    const id = newId("setupIntent");
    const intent: Stripe.SetupIntent = {
      id,
      object: "setup_intent",
      allowed_payment_method_types: null,
      application: null,
      automatic_payment_methods: null,
      cancellation_reason: null,
      client_secret: clientSecretFor(id),
      created: nowSeconds(),
      customer: input.customer,
      customer_account: null,
      description: input.description,
      excluded_payment_method_types: null,
      flow_directions: null,
      last_setup_error: null,
      latest_attempt: null,
      livemode: false,
      mandate: null,
      metadata: input.metadata,
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_configuration_details: null,
      payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: "automatic" } },
      payment_method_types: ["card"],
      single_use_mandate: null,
      status: "requires_payment_method",
      usage: "off_session",
    };
    this.intents.set(id, intent);
    this.events.emitInBackground(buildEvent("setup_intent.created", intent, this.events.context(null)));
    return intent;
  }

  get(id: string): Stripe.SetupIntent {
    const intent = this.intents.get(id);
    if (!intent) throw noSuch("setup_intent", id);
    return intent;
  }

  /** The card was accepted on the hosted page: it is saved to the customer (if any) and the intent succeeds. */
  async succeed(id: string, card: SavedCard): Promise<Stripe.SetupIntent> {
    const intent = this.get(id);
    const customer = typeof intent.customer === "string" ? intent.customer : (intent.customer?.id ?? null);
    if (customer !== null) this.paymentMethods.attach(card.paymentMethod.id, customer, null, { validate: false });
    intent.payment_method = card.paymentMethod.id;
    intent.status = "succeeded";
    this.events.emitInBackground(buildEvent("setup_intent.succeeded", intent, this.events.context(null)));
    await this.events.waitForWebhooks();
    return intent;
  }

  routes(): Route[] {
    return [
      route("GET", `/v1/setup_intents/${ID}`, (c) => {
        c.params.allowOnly(["expand", "client_secret"]);
        const intent = this.get(c.ids[0]);
        const out = snapshot(intent);
        c.params.stringArray("expand").forEach((path, i) => {
          if (path !== "payment_method") throw cannotExpand(path, i);
          if (typeof intent.payment_method === "string") out.payment_method = this.paymentMethods.get(intent.payment_method).paymentMethod;
        });
        return out;
      }),
      route("GET", "/v1/setup_intents", (c) => {
        c.params.allowOnly(["customer", "payment_method", "limit", "starting_after", "ending_before", "expand"]);
        const customer = c.params.optionalString("customer");
        const paymentMethod = c.params.optionalString("payment_method");
        const intents = [...this.intents.values()]
          .filter((si) => (customer === null || si.customer === customer) && (paymentMethod === null || si.payment_method === paymentMethod))
          .reverse();
        return listPage(c.params, intents, "/v1/setup_intents", "setup_intent");
      }),
    ];
  }
}
