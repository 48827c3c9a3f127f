// The two type tokens of a resource: the dynamic resource's (`pulumi.dynamic.Resource` with module
// "cloudmanager") and the plugin's. Light on purpose: the resource classes users import need it, and
// must not load the provider logic (../registry) into the program.

/** The dynamic resource's type token. */
export function dynamicType(name: string): string {
  return `pulumi-nodejs:dynamic/cloudmanager:${name}`;
}

/** The plugin's type token. */
export function pluginToken(name: string): string {
  return `cloudmanager:index:${name}`;
}
