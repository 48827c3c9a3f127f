// The package as users install it: the BUILT dist/ loaded through node_modules/pulumi-cloudmanager
// (a symlink to the repo root) with Node's own require, not through vitest's transform. Inline
// programs declare resources with it, so the provider the engine serializes into state is the one a
// user's program would produce (`npm test` builds first).

import { createRequire } from "node:module";

type PackageRoot = typeof import("../../../index");

const nodeRequire = createRequire(__filename);

export function builtPackage(): PackageRoot {
  try {
    return nodeRequire("pulumi-cloudmanager") as PackageRoot;
  } catch (e) {
    const reason = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new Error(`cannot load the built package (${reason}); run \`npm run build\` first (\`npm test\` does).`, { cause: e });
  }
}
