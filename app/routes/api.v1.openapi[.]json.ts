import { openApiDocument } from "~/modules/api-docs/openapi";
import { publicUrl } from "~/utils/env.server";

// The OpenAPI 3.1 document of the API: public, no key.
export const loader = () => Response.json(openApiDocument(publicUrl("")));
