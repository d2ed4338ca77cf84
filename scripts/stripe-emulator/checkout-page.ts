/** The hosted checkout page: plain HTML, no JavaScript, posts back to `/checkout/:id/pay`. */
import type Stripe from "stripe";
import { escapeHtml, renderHostedPage } from "./hosted-page.js";
import { formatAmount } from "./objects.js";

export interface CheckoutPageView {
  session: Stripe.Checkout.Session;
  lineItems: Stripe.LineItem[];
  values: { email: string; cardNumber: string; expiry: string; cvc: string };
  error?: string;
}

export const DEFAULT_CARD = { cardNumber: "4242 4242 4242 4242", expiry: "12 / 34", cvc: "123" };

const STYLE = `
  main { max-width: 28rem; }
  h1 { font-size: 1.1rem; margin: .75rem 0 .25rem; }
  .amount { font-size: 2rem; font-weight: 600; margin: 0 0 1rem; }
  ul { padding: 0; list-style: none; color: #4f566b; margin: 0 0 1.5rem; }
  label { display: block; font-size: .85rem; color: #4f566b; margin: .75rem 0 .25rem; }
  input { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; border: 1px solid #cfd7df; border-radius: 6px; }
  .row { display: flex; gap: .75rem; } .row > div { flex: 1; }
  button { margin-top: 1.5rem; width: 100%; padding: .8rem; font-size: 1rem; font-weight: 600; color: #fff;
           background: #635bff; border: 0; border-radius: 6px; cursor: pointer; }
  .error { background: #fde8e8; color: #9b1c1c; padding: .6rem .8rem; border-radius: 6px; margin: 1rem 0 0; }
  .cancel { display: block; text-align: center; margin-top: 1rem; color: #635bff; }
`;

function layout(title: string, body: string): string {
  return renderHostedPage({ title, style: STYLE, body });
}

export function renderCheckoutPage(view: CheckoutPageView): string {
  const { session, lineItems, values } = view;
  const id = escapeHtml(session.id);
  const setup = session.mode === "setup";
  // Setup mode saves a card for later payments: no amount to show.
  const amount = setup ? "Save a card for future payments" : formatAmount(session.amount_total ?? 0, session.currency ?? "usd");
  const items = lineItems
    .map((li) => `<li>${escapeHtml(li.description ?? "Item")} × ${li.quantity ?? 1} — ${escapeHtml(formatAmount(li.amount_total, li.currency))}</li>`)
    .join("\n");
  const cancel = session.cancel_url ? `<a class="cancel" href="${escapeHtml(session.cancel_url)}">Cancel and return</a>` : "";
  if (session.status !== "open") {
    const text =
      session.status === "complete"
        ? `${setup ? "Your card is saved." : "This payment is complete."}${session.success_url ? ` <a href="${escapeHtml(session.success_url.replaceAll("{CHECKOUT_SESSION_ID}", session.id))}">Continue</a>` : ""}`
        : "This Checkout Session is no longer active.";
    return layout(
      "Leadex test checkout",
      `<h1>Leadex test checkout</h1>
<p class="amount">${escapeHtml(amount)}</p>
<p>${text}</p>
${session.status === "complete" ? "" : cancel}`,
    );
  }
  return layout(
    "Leadex test checkout",
    `<h1>Leadex test checkout</h1>
<p class="amount">${escapeHtml(amount)}</p>
<ul>
${items}
</ul>
<form method="post" action="/checkout/${id}/pay">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="email" value="${escapeHtml(values.email)}">
  <label for="card_number">Card number</label>
  <input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" value="${escapeHtml(values.cardNumber)}">
  <div class="row">
    <div><label for="card_expiry">Expiry (MM / YY)</label>
    <input id="card_expiry" name="card_expiry" autocomplete="cc-exp" value="${escapeHtml(values.expiry)}"></div>
    <div><label for="card_cvc">CVC</label>
    <input id="card_cvc" name="card_cvc" inputmode="numeric" autocomplete="cc-csc" value="${escapeHtml(values.cvc)}"></div>
  </div>
  ${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ""}
  <button type="submit">${setup ? "Save card" : "Pay"}</button>
</form>
${cancel}`,
  );
}

export function renderNotFoundPage(): string {
  return layout(
    "Leadex test checkout",
    `<h1>Leadex test checkout</h1>
<p>Something went wrong: this Checkout Session does not exist.</p>`,
  );
}
