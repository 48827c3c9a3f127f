// `require` as @pulumi/pulumi resolves it: the copies of google-protobuf, its generated messages and
// @grpc/grpc-js that @pulumi/pulumi's own servers and clients use. Whatever talks to those servers, or
// changes how they encode, must use the same instances, not whichever copy this package would find.
import { createRequire } from "node:module";

/** E.g. `fromPulumi("google-protobuf")`, `fromPulumi("./proto/provider_pb")`. */
export const fromPulumi: NodeJS.Require = createRequire(require.resolve("@pulumi/pulumi/package.json"));
