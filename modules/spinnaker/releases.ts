/**
 * The open-source release lines this package knows, newest first: the default version is the
 * newest line's latest release. Source: spinnaker.io's changelogs and versions page (read 2026-11):
 * lines 2026.0 to 2026.4; 2026.4.0 the newest, 2026.3.1 and 2026.2.4 still supported. The project
 * supports its three newest lines, so a line's support ends when the third line after it is
 * released; a release date is given where a changelog we read states it. Armory's distribution
 * numbers its own releases (2.x) and is not in this table.
 */
export interface ReleaseLine {
  /** `<year>.<minor>`. */
  readonly line: string;
  /** The newest release of the line. */
  readonly latest: string;
  /** When `latest` was released, where a changelog we read says so. */
  readonly released?: string;
}

export const OSS_RELEASE_LINES: readonly ReleaseLine[] = [
  { line: "2026.4", latest: "2026.4.0" },
  // https://spinnaker.io/changelogs/2026.3.1-changelog/
  { line: "2026.3", latest: "2026.3.1", released: "2026-09-25" },
  { line: "2026.2", latest: "2026.2.4" },
];

/** How many of the newest lines the project supports at a time. */
export const SUPPORTED_LINES = 3;

/**
 * The first release line this package runs only with SQL storage (spinnaker.io, 2026-11: SQL storage
 * is required from 2027.0 on). front50's own notice (DeprecatedStorageBackend, REMOVAL_RELEASE
 * 2027.0.0) says S3 stays "through" 2027.0.0 and goes after it, so the boundary may be one release
 * early: check it again when 2027.0 ships.
 */
export const SQL_ONLY_FROM = { year: 2027, minor: 0 } as const;

/** `<year>.<minor>` of an open-source release number, such as 2026 and 4 of 2026.4.0. */
export const OSS_RELEASE_PATTERN = /^(\d+)\.(\d+)(?:[.-]|$)/;

/**
 * Whether an open-source version is `from` or later: undefined for a tag that is no release number
 * (a build of your own), which each caller takes as given.
 */
export function releaseFrom(
  version: string,
  from: { readonly year: number; readonly minor: number },
): boolean | undefined {
  const release = OSS_RELEASE_PATTERN.exec(version);
  if (!release) return undefined;
  const [year, minor] = [Number(release[1]), Number(release[2])];
  return year > from.year || (year === from.year && minor >= from.minor);
}

/** Whether a version needs SQL storage: a release number from SQL_ONLY_FROM on. */
export function needsSqlStorage(version: string): boolean {
  return releaseFrom(version, SQL_ONLY_FROM) === true;
}

/** Why such a version is refused with S3 and Redis storage, after the setting's name. */
export const SQL_ONLY_REASON = (storageSetting: string) =>
  `must be before ${SQL_ONLY_FROM.year}.${SQL_ONLY_FROM.minor}.0 while ${storageSetting} is s3-redis: from that release on front50 no longer stores in S3 and orca no longer keeps executions in Redis (set ${storageSetting} to sql)`;

/**
 * The first Armory release that tags every service with the release's own version: up to 2.26 each
 * service has its own (the BOMs in armory/docs' release notes, such as 2.26.0's clouddriver 2.26.6
 * and deck 2.26.5; 2.27.0's are all 2.27.0).
 */
export const ARMORY_SHARED_TAGS_FROM = { major: 2, minor: 27 } as const;

/** `<major>.<minor>` at the start of an Armory release number, such as 2.26 of 2.26.6. */
export const ARMORY_RELEASE_PATTERN = /^(\d+)\.(\d+)(?:[.-]|$)/;

/**
 * Whether an Armory version tags each service differently. A tag that is no release number (a
 * build of your own) is taken as given.
 */
export function armoryTagsDiffer(version: string): boolean {
  const release = ARMORY_RELEASE_PATTERN.exec(version);
  if (!release) return false;
  const [major, minor] = [Number(release[1]), Number(release[2])];
  return (
    major < ARMORY_SHARED_TAGS_FROM.major ||
    (major === ARMORY_SHARED_TAGS_FROM.major && minor < ARMORY_SHARED_TAGS_FROM.minor)
  );
}

/**
 * The first open-source release whose gate reads its OAuth2 sign-in from Spring Security's client
 * settings (`spring.security.oauth2.client`): the 2025.2.0 changelog's "Spring Security 5 Oauth2
 * Migration". Armory's releases (2.x) and earlier open-source ones read another configuration.
 */
export const SIGN_IN_FROM = { year: 2025, minor: 2 } as const;

/**
 * Whether a release's gate reads the sign-in this package renders. A tag that is no release number
 * (a build of your own) is taken as given.
 */
export function signInSupported(distribution: "oss" | "armory", version: string | undefined): boolean {
  if (distribution === "armory") return false;
  return releaseFrom(version ?? OSS_RELEASE_LINES[0].latest, SIGN_IN_FROM) ?? true;
}
