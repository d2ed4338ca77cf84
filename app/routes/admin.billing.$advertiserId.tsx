import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { Field, FormError, SelectField, SubmitButton } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader, StatCard } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { InvoiceTable } from "~/components/postpaid-invoices";
import { adminAdvertiserBillingView } from "~/modules/billing/admin-billing.server";
import { postpaidTermsFormSchema } from "~/modules/billing/postpaid.schema";
import { INVOICE_COLLECTION_LABELS, INVOICE_COLLECTIONS } from "~/modules/billing/postpaid.constants";
import { setPostpaidTerms } from "~/modules/billing/postpaid-invoices.server";
import { refundRetryFormSchema, walletRefundFormSchema } from "~/modules/billing/wallet-refunds.schema";
import { refundWallet, retryPendingRefunds } from "~/modules/billing/wallet-refunds.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { handleForm, orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Advertiser billing · Admin · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return orNotFound(adminAdvertiserBillingView(actor, params.advertiserId ?? ""));
}

function postpaidNotice(set: Awaited<ReturnType<typeof setPostpaidTerms>>): string {
  return set.creditLimitCents > 0
    ? `Postpaid: credit limit ${formatMoney(set.creditLimitCents, DEFAULT_CURRENCY)}, invoices ${set.invoiceCollection === "CHARGE_AUTOMATICALLY" ? "charged to the saved card" : "sent to pay"}.`
    : "Prepaid: no credit limit; the wallet cannot go below zero.";
}

function refundNotice(o: Awaited<ReturnType<typeof refundWallet>>): string {
  const parts = [`${formatMoney(o.refunded, DEFAULT_CURRENCY)} of ${formatMoney(o.amountCents, DEFAULT_CURRENCY)} refunded to the advertiser's card.`];
  if (o.pending > 0) parts.push(`${formatMoney(o.pending, DEFAULT_CURRENCY)} waits for Stripe's answer: retry below.`);
  for (const f of o.failed) parts.push(`Stripe refused ${formatMoney(f.amountCents, DEFAULT_CURRENCY)} (${f.message}); it is back in the wallet.`);
  return parts.join(" ");
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const advertiserId = params.advertiserId ?? "";
  const here = `/admin/billing/${encodeURIComponent(advertiserId)}`;
  const form = await readForm(request);
  if (form.get("intent") === "postpaid") {
    return handleForm(form, postpaidTermsFormSchema, async (data) =>
      redirectWithFlash(here, postpaidNotice(await setPostpaidTerms(actor, advertiserId, data))),
    );
  }
  if (form.get("intent") === "retry") {
    return handleForm(form, refundRetryFormSchema, async () =>
      redirectWithFlash(here, `Stripe answered ${await retryPendingRefunds(actor, advertiserId)} pending refund(s).`),
    );
  }
  return handleForm(form, walletRefundFormSchema, async (data) =>
    redirectWithFlash(here, refundNotice(await refundWallet(actor, advertiserId, { amountCents: data.amount, note: data.note }))),
  );
}

export default function AdminAdvertiserBilling() {
  const { advertiser, walletCents, refundableCents, topUps, refunds, pendingRefunds, chargebacks, postpaid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result && "errors" in result ? result.errors : {};
  const values: Record<string, string> = (result && "values" in result ? result.values : undefined) ?? {};
  const money = (cents: number) => formatMoney(cents, DEFAULT_CURRENCY);
  return (
    <>
      <PageHeader title={`Billing · ${advertiser.name}`} description={<Link to="/admin/billing">All advertisers</Link>} />
      <FormError error={result && "formError" in result ? result.formError : undefined} />
      <div className="stats">
        <StatCard label="Wallet" value={money(walletCents)} testId="wallet" />
        <StatCard label="Refundable to cards" value={money(refundableCents)} testId="refundable" />
      </div>
      <section className="card" id="postpaid">
        <h2>Postpaid</h2>
        <p className="muted">
          {postpaid.postpaid
            ? `Credit limit ${money(postpaid.creditLimitCents)}, used ${money(postpaid.usedCents)}. `
            : "Prepaid: the wallet cannot go below zero. "}
          With a credit limit, sales may take the wallet down to minus the limit and each closed period is invoiced on Stripe. Written to the audit log.
          {postpaid.card ? ` Saved card: ${postpaid.card}.` : " No saved card: invoices charged automatically fail until the advertiser saves one."}
        </p>
        <Form method="post" className="form-inline">
          <input type="hidden" name="intent" value="postpaid" />
          <Field
            name="creditLimit"
            label="Credit limit (USD, 0 = prepaid)"
            inputMode="decimal"
            required
            defaultValue={values.creditLimit ?? (postpaid.creditLimitCents / 100).toFixed(2)}
            error={errors.creditLimit}
          />
          <SelectField
            name="collection"
            label="Invoices"
            defaultValue={values.collection ?? postpaid.collection}
            error={errors.collection}
            options={INVOICE_COLLECTIONS.map((c) => ({ value: c, label: INVOICE_COLLECTION_LABELS[c] }))}
          />
          <Field
            name="daysUntilDue"
            label={`Days to pay a sent invoice (empty: ${postpaid.defaultDaysUntilDue})`}
            inputMode="numeric"
            pattern="[0-9]{1,3}"
            maxLength={3}
            defaultValue={values.daysUntilDue ?? (postpaid.daysUntilDue === null ? "" : String(postpaid.daysUntilDue))}
            error={errors.daysUntilDue}
          />
          <SubmitButton>Save terms</SubmitButton>
        </Form>
        <InvoiceTable invoices={postpaid.invoices} payLinks={false} total={postpaid.invoiceCount} />
      </section>
      <section className="card">
        <h2>Refund unused balance</h2>
        <p className="muted">
          Refunded to the cards of the advertiser&apos;s top-ups, newest first; never more than the wallet holds or its charges have left. Written to the audit
          log.
        </p>
        <Form method="post" className="form-inline">
          <Field name="amount" label="Amount (USD)" inputMode="decimal" required defaultValue={values.amount} error={errors.amount} />
          <Field name="note" label="Why" required maxLength={500} defaultValue={values.note} error={errors.note} />
          <SubmitButton>Refund</SubmitButton>
        </Form>
        {pendingRefunds > 0 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="retry" />
            <p>
              {pendingRefunds} refund(s) wait for Stripe&apos;s answer.{" "}
              <SubmitButton className="button button-small button-ghost">Ask Stripe again</SubmitButton>
            </p>
          </Form>
        ) : null}
      </section>
      <section className="card">
        <h2>Top-ups</h2>
        <DataTable
          rows={topUps}
          stackOnPhone
          empty={<EmptyState title="No paid top-ups" />}
          head={
            <>
              <th>Paid</th>
              <th className="num">Amount</th>
              <th className="num">Refunded</th>
              <th className="num">Refundable</th>
            </>
          }
          row={(t) => (
            <tr key={t.id}>
              <td data-label="Paid" className="nowrap">
                {formatDateTime(t.paidAt)}
              </td>
              <td data-label="Amount" className="num">
                {money(t.amountCents)}
              </td>
              <td data-label="Refunded" className="num">
                {money(t.refundedCents)}
              </td>
              <td data-label="Refundable" className="num">
                {t.disputed ? "disputed" : money(t.refundableCents)}
              </td>
            </tr>
          )}
        />
      </section>
      <section className="card">
        <h2>Refunds</h2>
        <DataTable
          rows={refunds}
          stackOnPhone
          testId="refunds"
          empty={<EmptyState title="No refunds yet" />}
          head={
            <>
              <th>Requested</th>
              <th className="num">Amount</th>
              <th>Why</th>
              <th>Stripe refunds</th>
            </>
          }
          row={(r) => (
            <tr key={r.id}>
              <td data-label="Requested" className="nowrap">
                {formatDateTime(r.createdAt)}
              </td>
              <td data-label="Amount" className="num">
                {money(r.amountCents)}
              </td>
              <td data-label="Why">{r.note}</td>
              <td data-label="Stripe refunds">
                {r.refunds.map((s) => (
                  <div key={s.id}>
                    {money(s.amountCents)} <StatusBadge status={s.status} /> {s.stripeRefundId ? <code>{s.stripeRefundId}</code> : null}
                    {s.failureMessage ? <span className="muted"> {s.failureMessage}</span> : null}
                  </div>
                ))}
              </td>
            </tr>
          )}
        />
      </section>
      <section className="card">
        <h2>Card disputes</h2>
        <DataTable
          rows={chargebacks}
          stackOnPhone
          empty={<EmptyState title="No card disputes" />}
          head={
            <>
              <th>Opened</th>
              <th className="num">Amount</th>
              <th>Status</th>
            </>
          }
          row={(c) => (
            <tr key={c.id}>
              <td data-label="Opened" className="nowrap">
                <Link to={`/admin/chargebacks/${c.id}`}>{formatDateTime(c.createdAt)}</Link>
              </td>
              <td data-label="Amount" className="num">
                {money(c.amountCents)}
              </td>
              <td data-label="Status">{c.status.replaceAll("_", " ")}</td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
