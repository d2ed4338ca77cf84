import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { answerLeadPostback, jsonAnswerResponse } from "~/modules/leads/lead-postback.server";
import { requestParts } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// Lead postback: POST (JSON or form) or GET (query string). See docs/api.md. server.js serves
// this path itself with the same function (docs/decisions/003-postback-hot-path.md).

async function postback(request: Request, clientAddress: string) {
  return jsonAnswerResponse(await answerLeadPostback(requestParts(request), clientAddress));
}

export const loader = ({ request, context }: LoaderFunctionArgs) => postback(request, clientAddressOf(context));
export const action = ({ request, context }: ActionFunctionArgs) => postback(request, clientAddressOf(context));
