// The files `pulumi new typescript` writes (pulumi/templates, typescript/): a fresh TypeScript project
// as users start one, for tests that install the packed package into it (packed-package.ts).
// `pulumi new` itself fetches its templates from git, which these machines cannot reach, so the files
// are written here as the template holds them.

/**
 * typescript/tsconfig.json of the template until March 2026: CommonJS, moduleResolution node (node10).
 * Most projects in use were made with it.
 */
export const TEMPLATE_TSCONFIG_NODE10 = `{
    "compilerOptions": {
        "strict": true,
        "outDir": "bin",
        "target": "es2020",
        "module": "commonjs",
        "moduleResolution": "node",
        "sourceMap": true,
        "experimentalDecorators": true,
        "pretty": true,
        "noFallthroughCasesInSwitch": true,
        "noImplicitReturns": true,
        "forceConsistentCasingInFileNames": true
    },
    "files": [
        "index.ts"
    ]
}
`;

/** typescript/package.json of the template, its project name filled in. */
function templatePackageJson(name: string): string {
  return `{
    "name": "${name}",
    "main": "index.ts",
    "devDependencies": {
        "@types/node": "^18",
        "typescript": "^5.0.0"
    },
    "dependencies": {
        "@pulumi/pulumi": "^3.113.0"
    }
}
`;
}

/**
 * Pulumi.yaml, package.json and tsconfig.json (node10) as `pulumi new typescript` leaves them for a
 * project `name` (the template's "template:" section removed). index.ts is the test's own.
 */
export function typescriptTemplate(name: string, description?: string): Record<string, string> {
  return {
    "Pulumi.yaml": `name: ${name}\n${description === undefined ? "" : `description: ${description}\n`}runtime: nodejs\n`,
    "package.json": templatePackageJson(name),
    "tsconfig.json": TEMPLATE_TSCONFIG_NODE10,
  };
}
