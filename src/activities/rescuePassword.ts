/**
 * The ephemeral rescue VM's admin password: random, made inside the create activity and passed only to ARM in the
 * VM's PUT body. It is never returned, logged or stored: nobody signs in to the rescue VM (Run Command runs the
 * script as SYSTEM), and a password that never leaves the activity cannot leak through history or status.
 * Azure's rules (Microsoft docs, VM FAQ "What are the password requirements when creating a VM?"): 12 to 123
 * characters, three of lower case, upper case, digit and special character; 32 characters with all four here.
 */
import { randomInt } from 'node:crypto';

const CLASSES = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!@#%^*()-_=+[]{}:,.?'];
const ALL = CLASSES.join('');
export const RESCUE_PASSWORD_LENGTH = 32;

export function newRescuePassword(): string {
  const chars = CLASSES.map((c) => c[randomInt(c.length)]!);
  while (chars.length < RESCUE_PASSWORD_LENGTH) chars.push(ALL[randomInt(ALL.length)]!);
  // Fisher-Yates with crypto randomness, so the guaranteed classes are not always at the front.
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
