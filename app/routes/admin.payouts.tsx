import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { SubmitButton } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { EmptyState } from "~/components/portal-shell";
import { RunNowHeader } from "~/components/run-now-header";
import { StatusBadge } from "~/components/status-badge";
import { listAffiliatePayoutStanding, requestPayoutRun, setPayoutHold } from "~/modules/payouts/payout-queries.server";
import { formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/flash.server";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";
import { payoutAdminActionSchema } from "~/modules/payouts/payouts.schema";

export const meta: MetaFunction = () => [{ title: "Payouts · Admin · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return listAffiliatePayoutStanding(actor);
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return handleForm(
    await readForm(request),
    payoutAdminActionSchema,
    async (input) => {
      if (input.intent === "run") {
        await requestPayoutRun(actor);
        return redirectWithFlash("/admin/payouts", "Payout run started: refresh in a moment to see who was paid and why others were not.");
      }
      const name = await setPayoutHold(actor, input.affiliateId, input.intent === "hold" ? { held: true, reason: input.reason } : { held: false });
      return redirectWithFlash("/admin/payouts", input.intent === "hold" ? `Payouts to ${name} are held.` : `Payouts to ${name} are no longer held.`);
    },
    { formError: "Choose what to do" },
  );
}

export default function AdminPayouts() {
  const { affiliates, recent, runs } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <RunNowHeader
        title="Payouts"
        description="Affiliates are paid their available earnings through Stripe Connect on each run. Holds are written to the audit log."
        runLabel="Run payouts now"
        result={result}
      />
      <section className="card">
        <h2>Recent runs</h2>
        <DataTable
          stackOnPhone
          rows={runs}
          empty={<EmptyState title="No payout runs yet" />}
          head={
            <>
              <th>Started</th>
              <th>Trigger</th>
              <th className="num">Paid</th>
              <th className="num">Not paid</th>
              <th>Finished</th>
            </>
          }
          row={(r) => (
            <tr key={r.id}>
              <td data-label="Started" className="nowrap">
                {formatDateTime(r.startedAt)}
              </td>
              <td data-label="Trigger">{r.trigger.toLowerCase()}</td>
              <td data-label="Paid" className="num">
                {r._count.payouts}
              </td>
              <td data-label="Not paid" className="num">
                {r._count.skips}
              </td>
              <td data-label="Finished" className="nowrap">
                {r.finishedAt ? formatDateTime(r.finishedAt) : "running"}
              </td>
            </tr>
          )}
        />
      </section>
      <section className="card">
        <h2>Affiliates</h2>
        <DataTable
          stackOnPhone
          rows={affiliates}
          empty={<EmptyState title="No affiliates yet" />}
          head={
            <>
              <th>Affiliate</th>
              <th>Stripe</th>
              <th>Payouts</th>
            </>
          }
          row={(a) => (
            <tr key={a.id}>
              <td data-label="Affiliate">{a.name}</td>
              <td data-label="Stripe">{a.stripeAccountId ? (a.payoutsEnabled ? "ready" : "onboarding") : "not set up"}</td>
              <td data-label="Payouts">
                {a.payoutsHeldAt ? (
                  <Form method="post" className="form-inline">
                    <span>Held: {a.payoutsHeldReason}</span>
                    <input type="hidden" name="intent" value="release" />
                    <input type="hidden" name="affiliateId" value={a.id} />
                    <SubmitButton className="button button-small button-ghost">Release</SubmitButton>
                  </Form>
                ) : (
                  <Form method="post" className="form-inline">
                    <input type="hidden" name="intent" value="hold" />
                    <input type="hidden" name="affiliateId" value={a.id} />
                    <label className="visually-hidden" htmlFor={`hold-${a.id}`}>
                      Reason to hold {a.name}&apos;s payouts
                    </label>
                    <input id={`hold-${a.id}`} name="reason" placeholder="Reason to hold" required maxLength={500} />
                    <SubmitButton className="button button-small button-ghost">Hold</SubmitButton>
                  </Form>
                )}
              </td>
            </tr>
          )}
        />
      </section>
      <section className="card">
        <h2>Latest payouts</h2>
        <DataTable
          stackOnPhone
          rows={recent}
          empty={<EmptyState title="No payouts yet" />}
          head={
            <>
              <th>Date</th>
              <th>Affiliate</th>
              <th className="num">Amount</th>
              <th>Status</th>
              <th>Details</th>
            </>
          }
          row={(p) => (
            <tr key={p.id}>
              <td data-label="Date" className="nowrap">
                {formatDateTime(p.createdAt)}
              </td>
              <td data-label="Affiliate">{p.affiliate.name}</td>
              <td data-label="Amount" className="num">
                {formatMoney(p.amountCents, p.currency)}
              </td>
              <td data-label="Status">
                <StatusBadge status={p.status} />
              </td>
              <td data-label="Details">{p.failureReason ?? (p.stripeTransferId ? <code>{p.stripeTransferId}</code> : "—")}</td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
