import type { Job } from "bull";
import { failConversionUpload, postConversionUpload } from "~/modules/conversions/conversion-uploads.server";
import { conversionUploadPayloadSchema } from "~/queues/conversion-upload.queue.server";

export async function conversionUploadProcessor(job: Job<unknown>) {
  const { uploadId } = conversionUploadPayloadSchema.parse(job.data);
  try {
    return { result: await postConversionUpload(uploadId) };
  } catch (error) {
    // Bull retries; after the last attempt the advertiser's page says the upload stopped.
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
      await failConversionUpload(uploadId, `Stopped after ${job.attemptsMade + 1} attempts: ${(error as Error).message}`);
    throw error;
  }
}
