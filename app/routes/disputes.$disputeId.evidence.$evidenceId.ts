import type { LoaderFunctionArgs } from "@remix-run/node";
import { evidenceFile } from "~/modules/disputes/dispute-evidence.server";
import { orNotFound } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

// An evidence file of a dispute (a call log, a screenshot), for its two parties and admins. Always
// a download with its declared type, never rendered inline on our origin.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request);
  const file = await orNotFound(evidenceFile(actor, params.disputeId ?? "", params.evidenceId ?? ""));
  const name = file.fileName.replace(/[^\w.\- ]/g, "_");
  return new Response(file.content, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${name}"`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
      "cache-control": "private, no-store",
    },
  });
}
