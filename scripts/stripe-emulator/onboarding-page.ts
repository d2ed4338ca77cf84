/** The hosted Connect onboarding page: plain HTML, no JavaScript, two submit buttons. */
import type Stripe from "stripe";
import { escapeHtml, renderHostedPage } from "./hosted-page.js";

const STYLE = `
  main { max-width: 32rem; }
  h1 { font-size: 1.2rem; margin: .75rem 0 .5rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 1rem 0; font-size: .9rem; }
  dt { color: #4f566b; } dd { margin: 0; }
  ul { color: #4f566b; font-size: .85rem; font-family: ui-monospace, monospace; padding-left: 1.2rem; }
  button { margin-top: 1rem; width: 100%; padding: .8rem; font-size: 1rem; font-weight: 600; border-radius: 6px; cursor: pointer; }
  .primary { color: #fff; background: #635bff; border: 0; }
  .secondary { color: #635bff; background: #fff; border: 1px solid #cfd7df; }
`;

function layout(body: string): string {
  return renderHostedPage({ title: "Leadex test onboarding", style: STYLE, body });
}

export function renderOnboardingPage(account: Stripe.Account, formAction: string): string {
  const due = account.requirements?.currently_due ?? [];
  const dueList =
    due.length > 0
      ? `<p>Stripe needs this information:</p>\n<ul>\n${due.map((f) => `<li>${escapeHtml(f)}</li>`).join("\n")}\n</ul>`
      : "<p>Stripe has everything it needs for now.</p>";
  const row = (label: string, value: string | null | undefined) => `<dt>${label}</dt><dd>${escapeHtml(value ?? "—")}</dd>`;
  return layout(`<h1>Set up payouts with Stripe</h1>
<dl>
${row("Account", account.id)}
${row("Email", account.email)}
${row("Country", account.country)}
${row("Business type", account.business_type)}
</dl>
${dueList}
<form method="post" action="${escapeHtml(formAction)}">
  <button class="primary" type="submit" name="action" value="complete">Complete onboarding</button>
  <button class="secondary" type="submit" name="action" value="later">Leave for later</button>
</form>`);
}

export function renderLinkNotFoundPage(): string {
  return layout(`<h1>Set up payouts with Stripe</h1>
<p>This link is not valid. Go back to the site that sent you here and start again.</p>`);
}
