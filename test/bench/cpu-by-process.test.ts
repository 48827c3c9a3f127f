// The pure parts of bench/cpu-by-process.ts: reading /proc/<pid>/stat and naming a process's role from
// its command line. The sampler itself reads the live /proc; here it only has to find this process.
import { describe, expect, it } from "vitest";
import { parseProcStat, roleOf, sampleCpu } from "../../bench/cpu-by-process";

describe("CPU by process", () => {
  it("reads pid, parent and user + system time (ticks of 10 ms), whatever the command name holds", () => {
    const stat = "4242 (node (worker) x) S 4200 4242 4200 0 -1 4194560 1 0 0 0 150 25 0 0 20 0 11 0 1 1 1";
    expect(parseProcStat(stat)).toEqual({ pid: 4242, ppid: 4200, cpuMs: 1750 });
    expect(parseProcStat("garbage")).toBeUndefined();
  });

  it("names the engine, the language hosts, the program runner and both providers", () => {
    const cmd = (...args: string[]) => `${args.join("\0")}\0`;
    expect(roleOf(cmd("/bin/pulumi", "up"), true)).toBe("engine");
    expect(roleOf(cmd("/cache/bin/pulumi-language-nodejs", "localhost:1234"), false)).toBe("language host");
    expect(roleOf(cmd("/cache/bin/pulumi-language-yaml"), false)).toBe("language host");
    expect(roleOf(cmd("node", "/p/node_modules/@pulumi/pulumi/cmd/run/index.js", "--monitor"), false)).toBe("program");
    expect(roleOf(cmd("node", "/p/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js"), false)).toBe("provider");
    expect(roleOf(cmd("/bin/sh", "/p/node_modules/pulumi-cloudmanager/plugin/pulumi-resource-cloudmanager"), false)).toBe("provider");
    expect(roleOf(cmd("node", "/p/node_modules/pulumi-cloudmanager/dist/provider/plugin/main.js"), false)).toBe("provider");
    expect(roleOf(cmd("git", "status"), false)).toBe("other");
  });

  it("samples a live process tree: this process counts as the root (the engine's role)", () => {
    const sampler = sampleCpu(process.pid, 1000);
    let spin = 0;
    for (let i = 0; i < 2e6; i++) spin += i % 7;
    const totals = sampler.stop();
    expect(spin).toBeGreaterThan(0);
    expect(totals.engine).toBeGreaterThan(0);
    expect(Object.keys(totals)).toEqual(["engine", "language host", "program", "provider", "other"]);
  });
});
