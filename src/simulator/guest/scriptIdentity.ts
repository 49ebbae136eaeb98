/**
 * SIMULATED: which guest script a Run Command carries. Run Command receives script TEXT; the simulator names it by
 * comparing that text with the scripts it knows: a catalog the harness passes, or by default the app's own
 * `.ps1` files as loadGuestScript (src/guest/scriptCatalog.ts) reads them, i.e. exactly what the app sends.
 * Line endings, a BOM and surrounding whitespace do not matter; any other difference makes it an unknown script.
 */
import { GUEST_SCRIPT_NAMES, GuestScriptNotFoundError, loadGuestScript } from '../../guest/scriptCatalog';
import type { GuestScriptName } from '../../guest/scriptContracts';

export type GuestScriptTexts = Partial<Record<GuestScriptName, string>>;

export function identifyGuestScript(text: string, catalog: GuestScriptTexts): GuestScriptName | undefined {
  const wanted = normalize(text);
  for (const [name, known] of Object.entries(catalog) as Array<[GuestScriptName, string | undefined]>) {
    if (known !== undefined && normalize(known) === wanted) return name;
  }
  return undefined;
}

/** The app's script texts (those whose file exists). */
export function appScriptTexts(): GuestScriptTexts {
  const texts: GuestScriptTexts = {};
  for (const name of GUEST_SCRIPT_NAMES) {
    try {
      texts[name] = loadGuestScript(name);
    } catch (err) {
      if (!(err instanceof GuestScriptNotFoundError)) throw err;
    }
  }
  return texts;
}

function normalize(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .trim();
}
