// Three tiers: `unit` synthesizes in memory (seconds); `tools` runs the real Terraform CLI,
// cloud-init, shellcheck and docker-compose on what the package renders; `deploy` applies, re-plans
// and destroys every stack and module against a local AWS emulator (minutes; `npm run test:deploy`).
const transform = { "^.+\\.ts$": ["@swc/jest"] };
const common = { transform, setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"] };
module.exports = {
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
      testPathIgnorePatterns: ["<rootDir>/__tests__/tools/", "<rootDir>/__tests__/deploy/"],
    },
    {
      ...common,
      displayName: "tools",
      testMatch: ["<rootDir>/__tests__/tools/**/*.test.ts"],
      // Every missing tool named at once, before any test runs.
      globalSetup: "<rootDir>/__tests__/tools/preflight.ts",
    },
    {
      ...common,
      displayName: "deploy",
      testMatch: ["<rootDir>/__tests__/deploy/**/*.test.ts"],
      setupFilesAfterEnv: [...common.setupFilesAfterEnv, "<rootDir>/__tests__/deploy/setup.ts"],
    },
  ],
};
