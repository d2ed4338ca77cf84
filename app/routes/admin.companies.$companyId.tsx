import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { TableCard } from "~/components/data-table";
import { FormError } from "~/components/field";
import { CompanyNotes } from "~/components/company-notes";
import { ReasonForm, UndoForm } from "~/components/reason-form";
import { formatDateTime, humanize } from "~/components/format";
import { EmptyState, PageHeader, StatCard } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { companyActionSchema, type CompanyAction } from "~/modules/companies/companies.schema";
import { readCompanyForAdmin } from "~/modules/companies/company-admin.server";
import { addCompanyNote, reinstateCompany, suspendCompany } from "~/modules/companies/company-moderation.server";
import { setPayoutHold } from "~/modules/payouts/payout-queries.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { formatMoney } from "~/utils/money";
import { handleForm, orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";
import type { Actor } from "~/utils/permissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.company.name ?? "Company"} · Admin · Leadex` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return { company: await orNotFound(readCompanyForAdmin(actor, params.companyId ?? "")) };
}

/** Does what the admin asked and says it in one sentence. */
async function perform(actor: Actor, companyId: string, input: CompanyAction): Promise<string> {
  switch (input.intent) {
    case "suspend": {
      const { name, ordersPaused } = await suspendCompany(actor, companyId, input.reason);
      return `${name} is suspended: its users are signed out and its API keys refused${ordersPaused > 0 ? `; ${ordersPaused} open order(s) paused` : ""}.`;
    }
    case "reinstate": {
      const { name, ordersResumed } = await reinstateCompany(actor, companyId);
      return `${name} is reinstated${ordersResumed > 0 ? `; ${ordersResumed} order(s) open again` : ""}.`;
    }
    case "hold-payouts":
      return `Payouts to ${await setPayoutHold(actor, companyId, { held: true, reason: input.reason })} are held.`;
    case "release-payouts":
      return `Payouts to ${await setPayoutHold(actor, companyId, { held: false })} are no longer held.`;
    case "note":
      await addCompanyNote(actor, companyId, input.body);
      return "Note added.";
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const companyId = params.companyId ?? "";
  return handleForm(
    await readForm(request),
    companyActionSchema,
    async (data) => redirectWithFlash(`/admin/companies/${encodeURIComponent(companyId)}`, await perform(actor, companyId, data)),
    { formError: "Check the highlighted field." },
  );
}

export default function AdminCompany() {
  const { company } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <PageHeader
        title={company.name}
        description={`${humanize(company.kind)} since ${formatDateTime(company.createdAt)}. Every action here is written to the audit log.`}
        actions={
          <>
            {company.suspendedAt ? <span className="badge badge-danger">suspended</span> : <span className="badge badge-success">active</span>}{" "}
            <Link to={`/admin/audit?targetType=Company&targetId=${company.id}`}>Audit log</Link>
          </>
        }
      />
      <FormError error={failure?.formError} />
      <div className="stats">
        {company.money?.kind === "wallet" ? (
          <StatCard label="Wallet" value={formatMoney(company.money.walletCents, company.currency)} testId="company-wallet">
            <p className="muted small">
              Credit limit {formatMoney(company.creditLimitCents, company.currency)}.{" "}
              <Link to={`/admin/billing/${company.id}`}>Billing, credit and refunds</Link>
            </p>
          </StatCard>
        ) : null}
        {company.money?.kind === "earnings" ? (
          <>
            <StatCard label="Earnings held" value={formatMoney(company.money.heldCents, company.currency)} testId="company-held" />
            <StatCard label="Earnings available" value={formatMoney(company.money.availableCents, company.currency)} testId="company-available">
              <p className="muted small">
                <Link to="/admin/payouts">Payouts</Link>
              </p>
            </StatCard>
          </>
        ) : null}
        <StatCard label="Return rate (30 days)" value={`${(company.returnRateBps / 100).toFixed(1)}%`} />
      </div>

      <section className="card">
        <h2>Suspension</h2>
        {company.suspendedAt ? (
          <>
            <div className="alert alert-error" role="status">
              Suspended on {formatDateTime(company.suspendedAt)}: {company.suspendedReason}
            </div>
            <UndoForm
              intent="reinstate"
              button="Reinstate"
              about="Its users may sign in again, its API keys work again, and the orders the suspension paused open again."
            />
          </>
        ) : company.kind === "PLATFORM" ? (
          <p className="muted">Leadex&apos;s own company cannot be suspended.</p>
        ) : (
          <>
            <p className="muted small">
              Its users are signed out and cannot sign in, its API keys are refused{company.kind === "ADVERTISER" ? ", and its open orders are paused" : ""}.
              Its users are told the reason.
            </p>
            <ReasonForm intent="suspend" label="Why suspend it" button="Suspend" failure={failure} />
          </>
        )}
      </section>

      {company.kind === "AFFILIATE" ? (
        <section className="card">
          <h2>Payouts</h2>
          {company.payoutsHeldAt ? (
            <>
              <div className="alert alert-warning" role="status">
                Held since {formatDateTime(company.payoutsHeldAt)}: {company.payoutsHeldReason}
              </div>
              <UndoForm intent="release-payouts" button="Release payouts" about="The next payout run pays its available earnings again." />
            </>
          ) : (
            <ReasonForm intent="hold-payouts" label="Why hold its payouts" button="Hold payouts" failure={failure} />
          )}
        </section>
      ) : null}

      <CompanyNotes notes={company.notes} failure={failure} />

      <TableCard
        title="Members"
        rows={company.members}
        empty={<EmptyState title="No members" />}
        head={
          <>
            <th>Name</th>
            <th>Email</th>
            <th>Joined</th>
          </>
        }
        row={(m) => (
          <tr key={m.id}>
            <td data-label="Name">{m.name}</td>
            <td data-label="Email">{m.email}</td>
            <td className="nowrap" data-label="Joined">
              {formatDateTime(m.createdAt)}
            </td>
          </tr>
        )}
      />

      {company.kind === "ADVERTISER" ? (
        <TableCard
          title="Orders"
          rows={company.orders}
          testId="company-orders"
          empty={<EmptyState title="No orders" />}
          head={
            <>
              <th>Order</th>
              <th>Offer</th>
              <th className="num">Price</th>
              <th>Status</th>
            </>
          }
          row={(o) => (
            <tr key={o.id}>
              <td data-label="Order">
                <code>{o.id}</code>
              </td>
              <td data-label="Offer">
                <Link to={`/admin/offers/${o.offer.id}`}>{o.offer.title}</Link>
              </td>
              <td className="num" data-label="Price">
                {formatMoney(o.priceCents, o.currency)}
              </td>
              <td data-label="Status">
                <StatusBadge status={o.status} /> {o.pauseReason ? <span className="muted small">{humanize(o.pauseReason)}</span> : null}
              </td>
            </tr>
          )}
        />
      ) : null}

      {company.kind === "AFFILIATE" ? (
        <TableCard
          title="Offers"
          rows={company.offers}
          empty={<EmptyState title="No offers" />}
          head={
            <>
              <th>Offer</th>
              <th className="num">Price</th>
              <th>Status</th>
            </>
          }
          row={(o) => (
            <tr key={o.id}>
              <td data-label="Offer">
                <Link to={`/admin/offers/${o.id}`}>{o.title}</Link>
              </td>
              <td className="num" data-label="Price">
                {o.pricingModel} {formatMoney(o.priceCents, o.currency)}
              </td>
              <td data-label="Status">
                <StatusBadge status={o.status} /> {o.unlistedAt ? <span className="badge badge-danger">unlisted</span> : null}
              </td>
            </tr>
          )}
        />
      ) : null}
    </>
  );
}
