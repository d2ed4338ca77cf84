// The return window: how long after buying a lead an advertiser may ask to return it. Plain date
// arithmetic, safe on both sides; return requests themselves will live beside this file.

const DAY_MS = 86_400_000;

/** The moment the return window closes: `returnWindowDays` whole days (24 h each) after the sale. */
export function returnDeadline(soldAt: Date, returnWindowDays: number): Date {
  if (!Number.isInteger(returnWindowDays) || returnWindowDays < 0) {
    throw new RangeError(`A return window is a whole number of days, not ${returnWindowDays}`);
  }
  return new Date(soldAt.getTime() + returnWindowDays * DAY_MS);
}

/** Whether a lead sold at `soldAt` may still be returned at `now`: open up to, not including, the deadline. */
export function isReturnWindowOpen(soldAt: Date, returnWindowDays: number, now: Date = new Date()): boolean {
  return now.getTime() < returnDeadline(soldAt, returnWindowDays).getTime();
}
