import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { DeliveryLog } from "~/components/delivery-log";
import { FormError } from "~/components/field";
import { PageHeader } from "~/components/portal-shell";
import { ReplayResult } from "~/components/replay-result";
import { listOwnDeliveries } from "~/modules/deliveries/outbound.server";
import { deliveryLogFilterSchema } from "~/modules/deliveries/deliveries.schema";
import { submitDeliveryIntent } from "~/modules/deliveries/delivery-forms.server";
import { readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Deliveries · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const filter = deliveryLogFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await listOwnDeliveries(actor, "CRM_WEBHOOK", filter);
  return { filter, deliveries: page.rows, nextCursor: page.nextCursor };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return (await submitDeliveryIntent(actor, await readForm(request))) ?? new Response("Unknown intent", { status: 400 });
}

export default function AdvertiserDeliveries() {
  const { deliveries, nextCursor, filter } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const replayed = actionData && "replayed" in actionData ? actionData.replayed : null;
  const failure = actionData && "errors" in actionData ? actionData : null;
  return (
    <>
      <PageHeader
        title="Deliveries"
        description={
          <>
            Leads sent to your CRM by webhook, newest first, signed with your <Link to="/advertiser/settings">signing secret</Link>. Failed attempts are retried
            with growing delays; replay sends one again now.
          </>
        }
      />
      <FormError error={failure ? (failure.formError ?? "That delivery could not be replayed.") : undefined} />
      <ReplayResult replayed={replayed} />
      <section className="card">
        <DeliveryLog
          deliveries={deliveries}
          nextCursor={nextCursor}
          status={filter.status}
          clearTo="/advertiser/deliveries"
          empty="Orders that deliver by webhook send each lead you buy to your CRM; they show here."
        />
      </section>
    </>
  );
}
