import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { OfferForm } from "~/components/offer-form";
import { PageHeader } from "~/components/portal-shell";
import { createOfferSchema, offerFormToInput } from "~/modules/offers/offers.schema";
import { createOffer } from "~/modules/offers/offers.server";
import { offerQualityRulesSchema } from "~/modules/quality/quality.schema";
import { redirectWithFlash } from "~/utils/flash.server";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "New offer · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, ["AFFILIATE"]);
  // The rules' defaults come from the schema here, on the server, so the page does not ship Zod.
  return { defaultRules: offerQualityRulesSchema.parse({}) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return handleForm(
    await readForm(request),
    createOfferSchema,
    async (data) => {
      const offer = await createOffer(actor, data);
      return redirectWithFlash(`/affiliate/offers/${offer.id}`, `Offer “${offer.title}” published: send leads to it from Send leads.`);
    },
    { toInput: offerFormToInput, formError: "Please fix the fields marked below." },
  );
}

export default function NewOffer() {
  const { defaultRules } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <PageHeader title="New offer" description="Describe the leads you will deliver and what one costs." />
      <OfferForm answer={actionData} submitLabel="Publish offer" defaultRules={defaultRules} />
    </>
  );
}
