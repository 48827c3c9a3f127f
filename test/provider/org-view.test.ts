// The deployment's view of an organization's lists: read once and shared, kept current by our own
// writes, read afresh where proof is needed. Pure: a scripted reader stands in for the API.
import { describe, expect, it } from "vitest";
import { DeploymentList } from "../../provider/deployment/org-view";

interface Item {
  id: string;
  v: number;
}

/** A reader whose answers the test releases one by one, counting the reads. */
function scriptedReader(server: Item[]) {
  const waiting: (() => void)[] = [];
  let reads = 0;
  const read = () => {
    reads += 1;
    const answer = server.map((i) => ({ ...i }));
    return new Promise<Item[]>((resolve) => waiting.push(() => resolve(answer)));
  };
  return { read, reads: () => reads, release: () => waiting.shift()?.(), waiting: () => waiting.length };
}

const ids = (items: readonly Item[]) => items.map((i) => `${i.id}:${i.v}`).sort();

describe("DeploymentList", () => {
  it("reads once for the whole deployment; concurrent callers share that read", async () => {
    const server = scriptedReader([{ id: "a", v: 1 }]);
    const list = new DeploymentList(server.read);
    const calls = Promise.all([list.current(), list.current(), list.current()]);
    server.release();
    expect((await calls).map(ids)).toEqual([["a:1"], ["a:1"], ["a:1"]]);
    expect(ids(await list.current())).toEqual(["a:1"]);
    expect(server.reads()).toBe(1);
  });

  it("applies our own writes without reading again: sent, changed, withdrawn", async () => {
    const server = scriptedReader([
      { id: "a", v: 1 },
      { id: "b", v: 1 },
    ]);
    const list = new DeploymentList(server.read);
    const first = list.current();
    server.release();
    await first;
    list.recorded("c", { id: "c", v: 1 });
    list.recorded("a", { id: "a", v: 2 });
    list.recorded("b", undefined);
    expect(ids(await list.current())).toEqual(["a:2", "c:1"]);
    expect(server.reads()).toBe(1);
  });

  it("a write made while the first read runs is applied on top of that read's answer", async () => {
    const server = scriptedReader([{ id: "a", v: 1 }]);
    const list = new DeploymentList(server.read);
    const reading = list.current();
    list.recorded("b", { id: "b", v: 1 }); // our POST completed while the list was on its way
    server.release();
    expect(ids(await reading)).toEqual(["a:1", "b:1"]);
  });

  it("fresh() answers from a read that starts after the call, and the server's answer replaces older writes", async () => {
    const data = [{ id: "a", v: 1 }];
    const server = scriptedReader(data);
    const list = new DeploymentList(server.read);
    const first = list.current();
    server.release();
    await first;
    list.recorded("a", undefined); // we think we withdrew it ...
    const fresh = list.fresh();
    server.release(); // ... but a read that started afterwards still lists it
    expect(ids(await fresh)).toEqual(["a:1"]);
    expect(ids(await list.current())).toEqual(["a:1"]);
    expect(server.reads()).toBe(2);
  });

  it("fresh() during a running read waits for it and then reads again (one read for all who asked meanwhile)", async () => {
    const server = scriptedReader([{ id: "a", v: 1 }]);
    const list = new DeploymentList(server.read);
    const running = list.current();
    const freshA = list.fresh();
    const freshB = list.fresh();
    expect(server.waiting()).toBe(1);
    server.release();
    await running;
    await Promise.resolve();
    await Promise.resolve();
    expect(server.waiting()).toBe(1);
    server.release();
    await Promise.all([freshA, freshB]);
    expect(server.reads()).toBe(2);
  });

  it("a failed read fails its callers and the next call reads again", async () => {
    let fail = true;
    const list = new DeploymentList<Item>(() => (fail ? Promise.reject(new Error("503")) : Promise.resolve([{ id: "a", v: 1 }])));
    await expect(list.current()).rejects.toThrow("503");
    fail = false;
    expect(ids(await list.current())).toEqual(["a:1"]);
  });

  it("fresh(): fifty callers who ask while a read runs share ONE read that starts after it; none gets the older answer", async () => {
    let version = 0;
    const server = scriptedReader([]);
    const list = new DeploymentList<Item>(() => {
      version += 1;
      const v = version;
      return server.read().then(() => [{ id: "a", v }]);
    });
    const first = list.fresh();
    const later = Array.from({ length: 50 }, () => list.fresh());
    expect(server.waiting()).toBe(1);
    server.release();
    expect(ids(await first)).toEqual(["a:1"]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.waiting()).toBe(1);
    server.release();
    expect((await Promise.all(later)).map(ids)).toEqual(Array.from({ length: 50 }, () => ["a:2"]));
    expect(server.reads()).toBe(2);
  });
});
