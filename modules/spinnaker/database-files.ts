/**
 * The boot steps of SQL storage, in `templates/` beside this file's folder, in the sources and the
 * built package: the secrets step (the master's credentials, and the services' passwords made once)
 * and the init step (the schemas and users of front50 and orca). A stack and a module write them to
 * their own `templates/` folder, where a reviewer reads them, and to the config bucket.
 */
import { templateText } from "./template-texts";

export const DATABASE_TEMPLATES = ["database-secrets.sh", "database-init.sh"] as const;
export type DatabaseFile = (typeof DATABASE_TEMPLATES)[number];

export function databaseText(file: DatabaseFile): string {
  return templateText(file);
}
