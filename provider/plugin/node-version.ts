// Imported first by ./main: the plugin runs on whatever `node` the launcher finds on PATH,
// and the package needs Node >= 22 (package.json "engines"); an older one would fail later with an
// error about some missing API. This says what to do instead, before anything else is loaded.

const [major = 0] = process.versions.node.split(".").map(Number);
if (major < 22) {
  console.error(
    `pulumi-resource-cloudmanager: Node.js ${process.versions.node} (${process.execPath}) is too old; ` +
      `the cloudmanager plugin needs Node.js >= 22. Put a newer \`node\` first on PATH for \`pulumi\`.`,
  );
  process.exit(1);
}

export {};
