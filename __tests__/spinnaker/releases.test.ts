import { DEFAULT_OSS_VERSION } from "../../modules/config/schema";
import {
  needsSqlStorage,
  OSS_RELEASE_LINES,
  OSS_RELEASE_PATTERN,
  SUPPORTED_LINES,
} from "../../modules/spinnaker/releases";

const number = (version: string) => {
  const [, year, minor] = OSS_RELEASE_PATTERN.exec(version) ?? [];
  return Number(year) * 100 + Number(minor);
};

test("the default is the newest line's latest release, and the table lists lines newest first", () => {
  const lines = OSS_RELEASE_LINES.map((l) => number(`${l.line}.0`));
  expect([...lines].sort((a, b) => b - a)).toEqual(lines);
  expect(DEFAULT_OSS_VERSION).toBe(OSS_RELEASE_LINES[0].latest);
  expect(DEFAULT_OSS_VERSION).toBe("2026.4.0");
  // Every supported line is in the table, and each latest release belongs to its line.
  expect(OSS_RELEASE_LINES.length).toBeGreaterThanOrEqual(SUPPORTED_LINES);
  for (const l of OSS_RELEASE_LINES) expect(l.latest.startsWith(`${l.line}.`)).toBe(true);
});

test("2027.0 and later need SQL storage; 2026 and builds of one's own do not", () => {
  expect(["2027.0.0", "2027.1.2", "2028.0.0-rc1"].map(needsSqlStorage)).toEqual([true, true, true]);
  expect(["2026.4.0", "2026.12.9", "1.38.0", "my-build"].map(needsSqlStorage)).toEqual([false, false, false, false]);
});
