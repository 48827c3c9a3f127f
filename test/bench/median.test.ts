// The benches' one median: every report summarises repetitions with it.
import { describe, expect, it } from "vitest";
import { median } from "../../bench/median";

describe("median", () => {
  it("takes the middle value of an odd count, whatever the order", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([2.56, 2.35, 2.74])).toBe(2.56);
  });

  it("takes the mean of the two middle values of an even count", () => {
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(median([1.2, 1.0])).toBeCloseTo(1.1, 10);
  });

  it("is NaN for no values, and leaves its input in its order", () => {
    expect(median([])).toBeNaN();
    const values = [5, 4, 6];
    median(values);
    expect(values).toEqual([5, 4, 6]);
  });
});
