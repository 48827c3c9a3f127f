import { describe, expect, it } from "vitest";
import { until } from "./until";

describe("until", () => {
  it("resolves with the condition's first truthy result", async () => {
    let calls = 0;
    await expect(until(() => (++calls >= 3 ? `after ${calls}` : undefined), { intervalMs: 1 })).resolves.toBe("after 3");
  });

  it("gives up at its deadline, naming what it waited for (the given words, else the condition's source)", async () => {
    await expect(until(() => false, { timeoutMs: 0, what: "the moon" })).rejects.toThrow("until: gave up after 0 ms waiting for the moon");
    const never = (): boolean => "a".length > 1;
    await expect(until(never, { timeoutMs: 0 })).rejects.toThrow(/waiting for .*"a"\.length > 1/);
  });

  it("ends the wait with the condition's own error", async () => {
    const failing = (): never => {
      throw new Error("the process exited early");
    };
    await expect(until(failing)).rejects.toThrow("the process exited early");
  });
});
