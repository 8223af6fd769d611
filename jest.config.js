// Two tiers: `unit` synthesizes in memory (seconds); `tools` runs the real Terraform CLI,
// cloud-init, shellcheck and docker-compose on what the package renders.
const transform = { "^.+\\.ts$": ["@swc/jest"] };
module.exports = {
  projects: [
    {
      displayName: "unit",
      transform,
      testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
      testPathIgnorePatterns: ["<rootDir>/__tests__/tools/"],
      setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
    },
    {
      displayName: "tools",
      transform,
      testMatch: ["<rootDir>/__tests__/tools/**/*.test.ts"],
      setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
    },
  ],
};
