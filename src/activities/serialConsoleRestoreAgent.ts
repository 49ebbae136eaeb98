/**
 * Activity: one serial console session that sets the guest agent's services to start automatically and starts
 * them (src/guest/serialConsole/). The login secret is read inside the session and never returned: the result
 * carries what was typed (the password as a placeholder), the commands' exit codes, or why it could not.
 */
import type { ActivityResult } from '../domain/activityResult';
import type { SerialConsoleSessionInput, SerialConsoleSessionResult } from '../domain/serialConsole';
import { runSerialConsoleSession } from '../guest/serialConsole/serialConsoleSession';
import type { ActivityDeps } from './deps';
import { ok } from './settle';

export async function serialConsoleRestoreAgent(
  input: SerialConsoleSessionInput,
  deps: ActivityDeps,
): Promise<ActivityResult<SerialConsoleSessionResult>> {
  if (!deps.serialConsole) {
    return ok({
      ok: false,
      failure: 'refused',
      detail: 'this app was started without the serial console channel',
      typed: [],
      services: [],
      attempts: 0,
    });
  }
  return ok(await runSerialConsoleSession(input, deps.serialConsole));
}
