import type { Job } from "bull";
import { sendOutboundDelivery } from "~/modules/deliveries/outbound.server";
import { outboundDeliveryPayloadSchema } from "~/queues/outbound-delivery.queue.server";

export async function outboundDeliveryProcessor(job: Job<unknown>) {
  const { deliveryId } = outboundDeliveryPayloadSchema.parse(job.data);
  return { outcome: await sendOutboundDelivery(deliveryId) };
}
