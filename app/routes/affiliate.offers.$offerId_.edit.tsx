import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { OfferForm } from "~/components/offer-form";
import { PageHeader } from "~/components/portal-shell";
import { updateOffer } from "~/modules/offers/offer-changes.server";
import { createOfferSchema, offerFormToInput } from "~/modules/offers/offers.schema";
import { ownOfferEditView } from "~/modules/offers/own-offer-views.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { handleForm, orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.title ?? "offer"} · Leadex` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const { archived, ...view } = await orNotFound(ownOfferEditView(actor, params.offerId ?? ""));
  if (archived) throw new Response("An archived offer is read-only", { status: 409, statusText: "Conflict" });
  return view;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const offerId = params.offerId ?? "";
  return handleForm(
    await readForm(request),
    createOfferSchema,
    async (data) => {
      const { changed } = await updateOffer(actor, offerId, data);
      return redirectWithFlash(`/affiliate/offers/${offerId}`, changed.length > 0 ? "Offer saved: the change is in its history." : "Nothing changed.");
    },
    { toInput: offerFormToInput, formError: "Please fix the fields marked below." },
  );
}

export default function EditOffer() {
  const { id, title, pricingModel, values, defaultRules } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  return (
    <>
      <PageHeader title={`Edit “${title}”`} actions={<Link to={`/affiliate/offers/${id}`}>Back to the offer</Link>} />
      <OfferForm answer={answer} initial={values} submitLabel="Save changes" defaultRules={defaultRules} lockPricingModel>
        <p className="hint" data-testid="price-change-rule">
          {pricingModel === "CPL"
            ? "A new price applies to new orders only: each buyer's open order keeps the price it agreed. New fields, states and rules apply to leads received from now on."
            : "Payouts cannot change while buyers hold open or paused orders on them (archive this offer and publish a new one instead). New fields, states and rules apply to leads received from now on."}
        </p>
      </OfferForm>
    </>
  );
}
