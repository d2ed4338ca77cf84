import type { LoaderFunctionArgs } from "@remix-run/node";
import { openApiDocument } from "~/modules/api-docs/openapi";

// The OpenAPI 3.1 document of the API: public, no key.
export const loader = ({ request }: LoaderFunctionArgs) => Response.json(openApiDocument(new URL(request.url).origin));
