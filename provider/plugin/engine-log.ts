// Where the plugin's notices go. The engine hides what a resource provider plugin writes to stderr
// (it keeps it as debug output, shown only when the plugin fails: sdk/go/common/resource/plugin's
// newPlugin, "Hiding logs"), unlike the dynamic-provider host's, which it shows. A plugin reports
// to the user through the engine's Log service at the address the engine passes as the plugin's
// first argument, as Go providers do (provider.HostClient.Log): each notice becomes a warning
// diagnostic attached to the resource whose call raised it.

import type * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import { fromPulumi } from "../runtime/from-pulumi";

/** Notices for the engine, and a way to wait until every one sent so far has arrived. */
export interface EngineNotices {
  /** Sends one notice ("warning: cloudmanager: …", as ./notices words it) for the resource `urn` ("" for none). */
  send(message: string, urn: string | undefined): void;
  /** Resolves once every notice sent so far was delivered (or reported on stderr as undeliverable). */
  flush(): Promise<void>;
}

/**
 * The engine's address among the plugin's arguments, as @pulumi/pulumi's provider `main` reads them
 * (the engine may put `--logtostderr`, `-v=N` and `--tracing <endpoint>` first).
 */
export function engineAddressOf(args: readonly string[]): string | undefined {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--logtostderr" || arg.startsWith("-v=")) continue;
    if (arg === "--tracing") {
      i++;
      continue;
    }
    rest.push(arg);
  }
  return rest[0];
}

export function engineNotices(engineAddress: string): EngineNotices {
  // @grpc/grpc-js is @pulumi/pulumi's dependency: the copy its generated clients use.
  const grpcJs = fromPulumi("@grpc/grpc-js") as typeof grpc;
  const client = new EngineClient(engineAddress, grpcJs.credentials.createInsecure());
  const pending = new Set<Promise<void>>();
  return {
    send(message, urn) {
      const request = new LogRequest();
      // The CLI prints the severity itself: "warning: cloudmanager: …", as for the dynamic resources.
      request.setSeverity(LogSeverity.WARNING);
      request.setMessage(message.replace(/^warning: /, ""));
      request.setUrn(urn ?? "");
      const delivery = new Promise<void>((resolve) => {
        client.log(request, (error) => {
          if (error) console.error(`${message} (not delivered to the engine: ${error.message})`);
          resolve();
        });
      });
      pending.add(delivery);
      void delivery.then(() => pending.delete(delivery));
    },
    async flush() {
      await Promise.all([...pending]);
    },
  };
}
