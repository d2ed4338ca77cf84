import { readPostbackRecord } from "~/utils/api.server";

/**
 * A dispute request's fields from a JSON or form body. Evidence files come through the portal's
 * upload (multipart), never inside an API body: a value sent as `evidence_file` is ignored.
 */
export async function apiDisputeRecord(request: Request): Promise<Record<string, unknown>> {
  const record = await readPostbackRecord(request);
  delete record.api_key;
  delete record.evidence_file;
  return record;
}
