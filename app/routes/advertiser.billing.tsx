import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { Field, FormError } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { getAdvertiserBalanceCents } from "~/modules/billing/balances.server";
import { topUpFormSchema } from "~/modules/billing/billing.schema";
import { listTopUps, settleTopUpFromCheckout, startTopUp } from "~/modules/billing/top-ups.server";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { centsToNumber, formFailureFrom, orNotFound, parseForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

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
  const [balanceCents, topUps] = await Promise.all([getAdvertiserBalanceCents(actor), listTopUps(actor)]);
  return {
    balanceCents: centsToNumber(balanceCents),
    topUps: topUps.map((t) => ({
      id: t.id,
      amountCents: t.amountCents,
      currency: t.currency,
      status: t.status,
      createdAt: t.createdAt,
      paidAt: t.paidAt,
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = parseForm(await readForm(request), topUpFormSchema);
  if (!form.success) return form.failure;
  let checkoutUrl: string;
  try {
    ({ checkoutUrl } = await startTopUp(actor, form.data.amount));
  } catch (error) {
    return formFailureFrom(error, form.values);
  }
  return redirect(checkoutUrl);
}

const NOTICES: Record<string, { tone: "success" | "info" | "warning"; text: string }> = {
  success: { tone: "success", text: "Payment received: your wallet has been topped up." },
  processing: { tone: "info", text: "Your payment is being confirmed. The balance updates as soon as Stripe confirms it." },
  cancelled: { tone: "warning", text: "Top-up cancelled. You were not charged." },
};

export default function Billing() {
  const { balanceCents, topUps } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const notice = NOTICES[searchParams.get("topup") ?? ""];
  return (
    <>
      <PageHeader title="Billing" description="Leads are paid from your wallet. Top it up by card; each lead bought is debited at your order's price." />
      {notice ? (
        <div className={`alert alert-${notice.tone}`} role="status">
          {notice.text}
        </div>
      ) : null}
      <div className="grid-2">
        <section className="card balance-card">
          <p className="stat-label">Wallet balance</p>
          <p className="balance" data-testid="wallet-balance">
            {formatMoney(balanceCents, DEFAULT_CURRENCY)}
          </p>
          <p className="muted small">Computed from the ledger.</p>
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
      <section className="card">
        <h2>Top-ups</h2>
        <DataTable
          rows={topUps}
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
            <tr key={t.id}>
              <td className="nowrap">{formatDateTime(t.createdAt)}</td>
              <td className="num">{formatMoney(t.amountCents, t.currency)}</td>
              <td>
                <StatusBadge status={t.status} />
              </td>
              <td className="nowrap">{t.paidAt ? formatDateTime(t.paidAt) : "—"}</td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
