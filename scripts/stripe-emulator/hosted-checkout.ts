/** `GET /checkout/:id` (the payment page) and `POST /checkout/:id/pay` (its form). */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorCore, SessionRecord } from "./core.js";
import { DEFAULT_CARD, type CheckoutPageView, renderCheckoutPage, renderNotFoundPage } from "./checkout-page.js";
import { BodyTooLargeError, readBody, redirect, sendHtml } from "./http-util.js";

export function successRedirectUrl(successUrl: string, sessionId: string): string {
  return successUrl.replaceAll("{CHECKOUT_SESSION_ID}", sessionId);
}

export class HostedCheckout {
  constructor(
    private readonly core: EmulatorCore,
    private readonly log: (line: string) => void,
  ) {}

  /** Returns false when the path is not a hosted-checkout path. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const m = /^\/checkout\/([^/]+)(\/pay)?\/?$/.exec(url.pathname);
    if (!m) return false;
    const id = decodeURIComponent(m[1]);
    const isPay = m[2] !== undefined;
    const method = req.method ?? "GET";
    if ((!isPay && method !== "GET" && method !== "HEAD") || (isPay && method !== "POST")) {
      res.writeHead(405, { allow: isPay ? "POST" : "GET", "content-length": "0" });
      res.end();
      return true;
    }
    const record = this.core.sessionRecord(id);
    if (!record) {
      sendHtml(res, 404, renderNotFoundPage());
      return true;
    }
    if (!isPay) {
      sendHtml(res, 200, renderCheckoutPage(this.view(record)));
      return true;
    }
    await this.pay(req, res, record);
    return true;
  }

  private view(record: SessionRecord, values?: Partial<CheckoutPageView["values"]>, error?: string): CheckoutPageView {
    return {
      session: record.session,
      lineItems: record.lineItems,
      values: {
        email: this.core.defaultEmail(record),
        cardNumber: DEFAULT_CARD.cardNumber,
        expiry: DEFAULT_CARD.expiry,
        cvc: DEFAULT_CARD.cvc,
        ...values,
      },
      error,
    };
  }

  private async pay(req: IncomingMessage, res: ServerResponse, record: SessionRecord): Promise<void> {
    let form: URLSearchParams;
    try {
      form = new URLSearchParams(await readBody(req, 64 * 1024));
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      sendHtml(res, 413, renderCheckoutPage(this.view(record, {}, "The form was too large.")));
      return;
    }
    const defaults = this.view(record).values;
    // A field missing from the POST falls back to what the page prefills, so a bare
    // `card_number=...` works from tests; a field sent empty is validated as empty.
    const values = {
      email: form.get("email") ?? defaults.email,
      cardNumber: form.get("card_number") ?? defaults.cardNumber,
      expiry: form.get("card_expiry") ?? defaults.expiry,
      cvc: form.get("card_cvc") ?? defaults.cvc,
    };
    const result = await this.core.payCheckoutSession(
      record.session.id,
      { number: values.cardNumber, expiry: values.expiry, cvc: values.cvc },
      values.email.trim(),
    );
    switch (result.kind) {
      case "paid":
      case "already_paid": {
        const target = successRedirectUrl(result.session.success_url ?? "/", result.session.id);
        this.log(`[stripe-emulator] checkout ${record.session.id} ${result.kind} -> ${target}`);
        redirect(res, target);
        return;
      }
      case "declined":
        this.log(`[stripe-emulator] checkout ${record.session.id} declined: ${result.message}`);
        sendHtml(res, 402, renderCheckoutPage(this.view(record, values, result.message)));
        return;
      case "invalid":
        sendHtml(res, 400, renderCheckoutPage(this.view(record, values, result.message)));
        return;
      case "not_open":
        sendHtml(res, 410, renderCheckoutPage(this.view(record)));
        return;
    }
  }
}
