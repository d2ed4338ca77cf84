import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { reportConversion } from "~/modules/conversions/conversion-intake.server";
import { handleApi, readPostbackRecord } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// Conversion postback: POST (JSON or form) or GET (query string) with the advertiser's API key.
// A conversion, a reversal or an amount change (`type`); see docs/api.md.

async function conversionPostback(request: Request, clientAddress: string) {
  return handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddress);
    const record = await readPostbackRecord(request);
    delete record.api_key;
    const answer = await reportConversion(actor, record, "API");
    return Response.json(answer.body, { status: answer.httpStatus });
  });
}

export const loader = ({ request, context }: LoaderFunctionArgs) => conversionPostback(request, clientAddressOf(context));
export const action = ({ request, context }: ActionFunctionArgs) => conversionPostback(request, clientAddressOf(context));
