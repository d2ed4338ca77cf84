import { describe, expect, it } from "vitest";
import { isReturnWindowOpen, returnDeadline } from "~/modules/disputes/return-window";

describe("the return window", () => {
  const soldAt = new Date("2025-03-01T10:00:00.000Z");

  it("closes the given number of days after the sale", () => {
    expect(returnDeadline(soldAt, 7)).toEqual(new Date("2025-03-08T10:00:00.000Z"));
    expect(returnDeadline(soldAt, 0)).toEqual(soldAt);
  });

  it("a lead can be returned until the deadline, not at or after it", () => {
    expect(isReturnWindowOpen(soldAt, 7, new Date("2025-03-08T09:59:59.999Z"))).toBe(true);
    expect(isReturnWindowOpen(soldAt, 7, new Date("2025-03-08T10:00:00.000Z"))).toBe(false);
    expect(isReturnWindowOpen(soldAt, 0, soldAt)).toBe(false);
  });

  it("refuses a negative or fractional window", () => {
    expect(() => returnDeadline(soldAt, -1)).toThrow(RangeError);
    expect(() => returnDeadline(soldAt, 1.5)).toThrow(RangeError);
  });
});
