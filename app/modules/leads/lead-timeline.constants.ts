// How routing and sales name an order in a lead's timeline ("Order ckx…", "order ckx…"): the page
// shows each as its advertiser, and the loader looks those advertisers up.

export const ORDER_MENTION = /\b([Oo]rders?) ([a-z0-9]{20,40})\b/g;

/** The order ids a timeline's messages name, for the loader to look their advertisers up. */
export function orderIdsInTimeline(events: ReadonlyArray<{ message: string }>): string[] {
  return [...new Set(events.flatMap((e) => [...e.message.matchAll(ORDER_MENTION)].map((m) => m[2])))];
}
