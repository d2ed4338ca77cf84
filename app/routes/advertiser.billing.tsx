import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { AutoRechargeForm } from "~/components/auto-recharge-form";
import { Field, FormError } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { submitSavedCardForm } from "~/modules/billing/saved-card-forms.server";
import { settleCardSetupFromCheckout } from "~/modules/billing/saved-cards.server";
import { advertiserBillingView } from "~/modules/billing/billing-views.server";
import { topUpFormSchema } from "~/modules/billing/billing.schema";
import { settleTopUpFromCheckout, startTopUp } from "~/modules/billing/top-ups.server";
import { statementFilterSchema } from "~/modules/billing/wallet-statement.schema";
import { STATEMENT_KIND_LABELS, STATEMENT_KINDS } from "~/modules/billing/wallet-statement.constants";
import { centsToDecimal, DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { handleForm, orNotFound, readForm } from "~/utils/route-errors.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { requireUser } from "~/utils/session.server";
import { DateRangeFields, FilterButtons } from "~/components/filter-bar";
import { InvoiceTable } from "~/components/postpaid-invoices";

export const meta: MetaFunction = () => [{ title: "Billing · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const url = new URL(request.url);
  const sessionId = url.searchParams.get("session_id");
  if (url.searchParams.get("topup") === "success" && sessionId) {
    // Back from Checkout: credit the wallet now rather than wait for the webhook (both are
    // idempotent on the top-up), then drop the session id so every loader on the next
    // request, including the header's balance, reads the credited ledger.
    const outcome = await orNotFound(settleTopUpFromCheckout(actor, sessionId));
    throw redirect(`/advertiser/billing?topup=${outcome === "not-paid" ? "processing" : "success"}`);
  }
  const setupSessionId = url.searchParams.get("setup_session_id");
  if (url.searchParams.get("card") === "saved" && setupSessionId) {
    // Back from saving a card: save it now rather than wait for the webhook (both are idempotent).
    const outcome = await orNotFound(settleCardSetupFromCheckout(actor, setupSessionId));
    throw redirect(`/advertiser/billing?card=${outcome === "not-saved" ? "not-saved" : "saved"}`);
  }
  const params = Object.fromEntries([...url.searchParams].filter(([key, v]) => v !== "" && key !== "topup" && key !== "card"));
  const filter = statementFilterSchema.parse(params);
  return advertiserBillingView(actor, filter);
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = await readForm(request);
  const cardAnswer = await submitSavedCardForm(actor, form);
  if (cardAnswer && "redirectTo" in cardAnswer && cardAnswer.redirectTo) return redirect(cardAnswer.redirectTo);
  if (cardAnswer && "done" in cardAnswer && cardAnswer.done) return redirectWithFlash("/advertiser/billing", cardAnswer.done);
  if (cardAnswer) return cardAnswer;
  return handleForm(form, topUpFormSchema, async (data) => redirect((await startTopUp(actor, data.amount)).checkoutUrl));
}

/** What a top-up's status means for the advertiser. */
const TOP_UP_STATUS_NOTES: Record<string, string> = {
  PENDING: "Waiting for payment on Stripe's Checkout page",
  PAID: "Credited to your wallet",
  EXPIRED: "Checkout expired unpaid: you were not charged",
};

/** What an auto-recharge's status means for the advertiser. */
function rechargeNote(status: string, failureMessage: string | null): string {
  if (status === "PAID") return "Auto-recharge from your saved card: credited to your wallet";
  if (status === "PENDING") return "Auto-recharge: charging your saved card";
  return `Auto-recharge refused by your card: ${failureMessage ?? "not charged"}`;
}

/** The statement's filters as a query string, with a cursor (or none: the newest page). */
function queryOf(filter: Record<string, string | undefined>, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value && key !== "cursor") params.set(key, value);
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** + for money in, − for money out. */
const signedMoney = (cents: number, currency: string) => (cents > 0 ? `+${formatMoney(cents, currency)}` : formatMoney(cents, currency));

const NOTICES: Record<string, { tone: "success" | "info" | "warning"; text: string }> = {
  success: { tone: "success", text: "Payment received: your wallet has been topped up." },
  processing: { tone: "info", text: "Your payment is being confirmed. The balance updates as soon as Stripe confirms it." },
  cancelled: { tone: "warning", text: "Top-up cancelled. You were not charged." },
};

const CARD_NOTICES: Record<string, { tone: "success" | "info" | "warning"; text: string }> = {
  saved: { tone: "success", text: "Card saved. Auto-recharge can charge it when your wallet runs low." },
  "not-saved": { tone: "info", text: "Your card is being confirmed. It shows here as soon as Stripe confirms it." },
  cancelled: { tone: "warning", text: "No card was saved." },
};

export default function Billing() {
  const { balanceCents, topUps, statement, filter, savedCard, autoRecharge, postpaid } = useLoaderData<typeof loader>();
  const filtered = Boolean(filter.kind || filter.from || filter.to);
  const answer = useActionData<typeof action>();
  const failure = answer && "errors" in answer ? answer : undefined;
  // The top-up form's failure (the card forms say intent=…).
  const actionData = failure?.values?.intent ? undefined : failure;
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const notice = NOTICES[searchParams.get("topup") ?? ""] ?? CARD_NOTICES[searchParams.get("card") ?? ""];
  return (
    <>
      <PageHeader
        title="Billing"
        description="Leads are paid from your wallet. Top it up by card; each lead bought is debited at your order's price."
        actions={
          <a href={`/advertiser/billing/statement.csv${queryOf(filter)}`} className="button button-ghost" download>
            Export statement (CSV)
          </a>
        }
      />
      {notice ? (
        <div className={`alert alert-${notice.tone}`} role="status">
          {notice.text}
        </div>
      ) : null}
      <SavedCardAndAutoRecharge savedCard={savedCard} autoRecharge={autoRecharge} answer={answer} />
      {postpaid.overdueHold ? (
        <div className="alert alert-error" role="alert" data-testid="dunning">
          An invoice is overdue: your orders are paused until it is paid. Pay it on Stripe&apos;s page below; your orders resume as soon as Stripe confirms the
          payment.
        </div>
      ) : null}
      <div className="grid-2">
        <section className="card balance-card">
          <p className="stat-label">Wallet balance</p>
          <p className="balance" data-testid="wallet-balance">
            {formatMoney(balanceCents, DEFAULT_CURRENCY)}
          </p>
          <p className="muted small">Computed from the ledger.</p>
          {postpaid.postpaid ? (
            <p data-testid="postpaid">
              {`Postpaid — credit limit ${formatMoney(postpaid.creditLimitCents, DEFAULT_CURRENCY)}, used ${formatMoney(postpaid.usedCents, DEFAULT_CURRENCY)}`}
            </p>
          ) : null}
        </section>
        <section className="card">
          <h2>Top up</h2>
          <Form method="post" className="form form-inline" noValidate>
            <FormError error={actionData?.formError} />
            <Field
              name="amount"
              label="Amount (USD)"
              inputMode="decimal"
              required
              placeholder="100.00"
              defaultValue={actionData?.values?.amount}
              error={actionData?.errors.amount}
              hint="Between $10 and $100,000. You pay on Stripe's secure Checkout page."
            />
            <button type="submit" className="button" disabled={navigation.state !== "idle" && navigation.formMethod === "POST"}>
              Top up
            </button>
          </Form>
        </section>
      </div>
      <section className="card" id="statement">
        <h2>Statement</h2>
        <p className="muted small">Every charge and credit on your wallet, newest first, with the balance after each.</p>
        <Form method="get" className="filter-bar">
          <div className="field">
            <label htmlFor="f-kind">Kind</label>
            <select id="f-kind" name="kind" defaultValue={filter.kind ?? ""}>
              <option value="">Everything</option>
              {STATEMENT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {STATEMENT_KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </div>
          <DateRangeFields fromLabel="From" from={filter.from} to={filter.to} />
          <FilterButtons clearTo="/advertiser/billing#statement" filtered={filtered} />
        </Form>
        <DataTable
          rows={statement.lines}
          testId="statement"
          stackOnPhone
          empty={filtered ? <EmptyState title="Nothing on your wallet matches these filters" /> : <EmptyState title="Nothing on your wallet yet" />}
          head={
            <>
              <th>Date</th>
              <th>What</th>
              <th>For</th>
              <th className="num">Amount</th>
              <th className="num">Balance</th>
            </>
          }
          row={(l) => (
            <tr key={l.id} data-line={l.kind}>
              <td className="nowrap" data-label="Date">
                {formatDateTime(l.at)}
              </td>
              <td data-label="What">{l.words}</td>
              <td data-label="For">
                {l.link ? (
                  <Link to={l.link.href}>
                    <code>{l.link.label}</code>
                  </Link>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className={`num ${l.amountCents < 0 ? "negative" : ""}`} data-label="Amount">
                {signedMoney(l.amountCents, l.currency)}
              </td>
              <td className="num" data-label="Balance">
                {formatMoney(l.balanceCents, l.currency)}
              </td>
            </tr>
          )}
        />
        <nav className="pager" aria-label="Statement pages">
          {filter.cursor ? <Link to={`/advertiser/billing${queryOf(filter)}#statement`}>Newest</Link> : null}
          {statement.next ? <Link to={`/advertiser/billing${queryOf(filter, statement.next)}#statement`}>Older lines</Link> : null}
        </nav>
      </section>
      {postpaid.postpaid || postpaid.invoices.length > 0 ? (
        <section className="card" id="invoices">
          <h2>Invoices</h2>
          <p className="muted small">
            {postpaid.collection === "CHARGE_AUTOMATICALLY"
              ? "Each period's leads, actions and sales are invoiced when the period closes and charged to your saved card."
              : `Each period's leads, actions and sales are invoiced when the period closes; pay within ${postpaid.daysUntilDue ?? postpaid.defaultDaysUntilDue} days on Stripe's page.`}{" "}
            A paid invoice is credited to your wallet.
          </p>
          <InvoiceTable invoices={postpaid.invoices} payLinks total={postpaid.invoiceCount} />
        </section>
      ) : null}
      <section className="card">
        <h2>Top-ups</h2>
        <DataTable
          rows={topUps}
          testId="top-ups"
          stackOnPhone
          empty={<EmptyState title="No top-ups yet" />}
          head={
            <>
              <th>Started</th>
              <th className="num">Amount</th>
              <th>Status</th>
              <th>Paid</th>
            </>
          }
          row={(t) => (
            <tr key={t.id} data-top-up={t.status.toLowerCase()}>
              <td className="nowrap" data-label="Started">
                {formatDateTime(t.createdAt)}
              </td>
              <td className="num" data-label="Amount">
                {formatMoney(t.amountCents, t.currency)}
              </td>
              <td data-label="Status">
                <StatusBadge status={t.status} />
                <span className="muted small block">
                  {t.kind === "AUTO_RECHARGE" ? rechargeNote(t.status, t.failureMessage) : TOP_UP_STATUS_NOTES[t.status]}
                </span>
              </td>
              <td className="nowrap" data-label="Paid">
                {t.paidAt ? formatDateTime(t.paidAt) : "—"}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}

type BillingLoader = ReturnType<typeof useLoaderData<typeof loader>>;

/** The saved card (save, remove), a banner when auto-recharge is paused, and its settings. */
function SavedCardAndAutoRecharge({
  savedCard,
  autoRecharge,
  answer,
}: Pick<BillingLoader, "savedCard" | "autoRecharge"> & { answer: ReturnType<typeof useActionData<typeof action>> }) {
  const failure = answer && "errors" in answer && answer.values?.intent === "auto-recharge" ? answer : undefined;
  const { paused, failed } = autoRecharge;
  return (
    <>
      {paused ? (
        <div className="alert alert-warning" role="alert" data-testid="auto-recharge-paused">
          <p>
            Auto-recharge is paused: {failed ? `${failed.card} was not charged ${formatMoney(failed.amountCents, failed.currency)}. ` : null}
            {paused.reason}
          </p>
          <p>Pay on Stripe&apos;s Checkout page now, or save another card: either resumes auto-recharge.</p>
          {failed ? (
            <Form method="post" className="form-actions">
              <input type="hidden" name="amount" value={centsToDecimal(failed.amountCents)} />
              <button type="submit" className="button">
                Pay {formatMoney(failed.amountCents, failed.currency)} by card now
              </button>
            </Form>
          ) : null}
        </div>
      ) : null}
      <div className="grid-2">
        <section className="card" data-testid="saved-card">
          <h2>Saved card</h2>
          {savedCard ? (
            <>
              <p className="balance">{savedCard.label}</p>
              <p className="muted small">Charged by auto-recharge and for invoices. Saving another card replaces it.</p>
            </>
          ) : (
            <p className="muted">No card saved. Save one on Stripe&apos;s secure page to turn on auto-recharge.</p>
          )}
          <div className="form-actions">
            <Form method="post">
              <input type="hidden" name="intent" value="save-card" />
              <button type="submit" className="button">
                {savedCard ? "Save another card" : "Save a card"}
              </button>
            </Form>
            {savedCard ? (
              <Form method="post">
                <input type="hidden" name="intent" value="remove-card" />
                <button type="submit" className="button button-ghost">
                  Remove card
                </button>
              </Form>
            ) : null}
          </div>
        </section>
        <section className="card">
          <h2>Auto-recharge</h2>
          <AutoRechargeForm settings={autoRecharge} failure={failure ?? null} />
        </section>
      </div>
    </>
  );
}
