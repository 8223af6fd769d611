/**
 * zod loads the error messages of its sixty-odd locales when it is first imported, about 30 ms of
 * every synthesis (`npm run bench`, a third of loading zod), though it only ever uses English (its
 * default) and the configuration's messages are the package's own (`config/load.ts`). Imported first
 * by the entry point, this module makes that load happen on first use instead: before zod is loaded,
 * the locales' module (`zod/v4/locales`, which only re-exports one module per locale) is put in
 * Node's module cache as a stand-in that loads the real module the first time anything reads it.
 * Tests and library users load zod as it is.
 */
import { createRequire, Module } from "node:module";

const requireHere = createRequire(__filename);

function deferZodLocales(): void {
  let path: string;
  try {
    path = requireHere.resolve("zod/v4/locales");
    // Too late once zod is loaded: its modules already hold the real locales.
    if (requireHere.cache[requireHere.resolve("zod")] !== undefined || requireHere.cache[path] !== undefined) return;
  } catch {
    return;
  }
  let locales: object | undefined;
  const load = (): object => {
    if (locales === undefined) {
      delete requireHere.cache[path];
      locales = requireHere(path) as object;
    }
    return locales;
  };
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  // zod's modules only keep the namespace (`__importStar` returns an ES module as it is); a read of
  // a locale, or of the list of them, loads the real module.
  standIn.exports = new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" ? true : Reflect.get(load(), key)),
      has: (_, key) => key === "__esModule" || Reflect.has(load(), key),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        // A proxy may only report a property its empty target lacks as configurable.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  requireHere.cache[path] = standIn;
}

deferZodLocales();
