// A dynamic resource runs in the engine's `pulumi-nodejs` provider, so @pulumi/pulumi ignores, without
// a word, a `provider` option naming a `cloudmanager` provider: the requests would be
// signed with the stack's default key, not the one the program meant. That is refused here, naming the
// ways that do pick an organization's key.

import type * as pulumi from "@pulumi/pulumi";

/** Throws when `opts` names a `cloudmanager` provider for the dynamic resource `type` named `name`. */
export function refuseCloudmanagerProvider(type: string, name: string, opts: pulumi.CustomResourceOptions | undefined): void {
  if (opts?.provider === undefined || packageOf(opts.provider) !== "cloudmanager") return;
  throw new Error(
    `CLOUDMANAGER_PROVIDER_IGNORED: ${type} "${name}" is a dynamic resource and cannot use a cloudmanager provider resource ` +
      `(the provider option would be ignored and the stack's default key used). For an organization's own key, set ` +
      `cloudmanager:organizations["<orgId>"] in stack config (docs/configuration.md, "Several organizations"), or use the ` +
      `plugin's cloudmanager:index:${type} with that provider.`,
  );
}

function packageOf(provider: pulumi.ProviderResource): string | undefined {
  const getPackage: unknown = (provider as unknown as { getPackage?: unknown }).getPackage;
  return typeof getPackage === "function" ? String((getPackage as () => unknown).call(provider)) : undefined;
}
