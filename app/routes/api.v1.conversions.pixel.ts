import type { LoaderFunctionArgs } from "@remix-run/node";
import { pixelResponse, recordPixelConversion } from "~/modules/conversions/conversion-pixel.server";
import { clientAddressOf } from "~/utils/client-address.server";

// Conversion pixel: GET with the advertiser's pixel token and the conversion postback's fields.
// Always a 1×1 GIF (or, with format=iframe, a tiny page) with status 200; the outcome is in the
// X-Leadex-* headers (docs/api.md).

export async function loader({ request, context }: LoaderFunctionArgs) {
  const query = new URL(request.url).searchParams;
  const outcome = await recordPixelConversion(query, clientAddressOf(context));
  return pixelResponse(outcome, query.get("format"));
}
