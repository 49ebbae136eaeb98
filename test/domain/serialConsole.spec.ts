import { ConfigurationError } from '../../src/domain/errors';
import { loginSecretFor, readSerialConsoleSettings } from '../../src/domain/serialConsole';

describe('serial console settings', () => {
  it('is off unless SERIAL_CONSOLE_KEY_VAULT_URI is set', () => {
    expect(readSerialConsoleSettings({}, 10)).toBeNull();
    expect(readSerialConsoleSettings({ SERIAL_CONSOLE_KEY_VAULT_URI: '  ' }, 10)).toBeNull();
  });

  it('reads the vault and the default secret', () => {
    expect(
      readSerialConsoleSettings(
        { SERIAL_CONSOLE_KEY_VAULT_URI: 'https://kv1.vault.azure.net/', SERIAL_CONSOLE_DEFAULT_SECRET: 'vm-login' },
        7,
      ),
    ).toEqual({ keyVaultUri: 'https://kv1.vault.azure.net', defaultSecret: 'vm-login', agentWaitMinutes: 7 });
  });

  it.each([
    ['http://kv1.vault.azure.net', 'SERIAL_CONSOLE_KEY_VAULT_URI'],
    ['https://kv1.vault.azure.net/secrets/x', 'SERIAL_CONSOLE_KEY_VAULT_URI'],
    ['kv1', 'SERIAL_CONSOLE_KEY_VAULT_URI'],
  ])('refuses the vault URI %s', (uri, setting) => {
    expect(() => readSerialConsoleSettings({ SERIAL_CONSOLE_KEY_VAULT_URI: uri }, 10)).toThrow(ConfigurationError);
    try {
      readSerialConsoleSettings({ SERIAL_CONSOLE_KEY_VAULT_URI: uri }, 10);
    } catch (err) {
      expect((err as ConfigurationError).setting).toBe(setting);
    }
  });

  it('refuses a default secret that is not a Key Vault secret name', () => {
    expect(() =>
      readSerialConsoleSettings({ SERIAL_CONSOLE_KEY_VAULT_URI: 'https://kv1.vault.azure.net', SERIAL_CONSOLE_DEFAULT_SECRET: 'a b' }, 10),
    ).toThrow(/SERIAL_CONSOLE_DEFAULT_SECRET/);
  });
});

describe('the login secret of a VM', () => {
  const settings = { keyVaultUri: 'https://kv1.vault.azure.net', defaultSecret: 'fallback', agentWaitMinutes: 10 };
  it.each([
    [{ 'rdp-autorepair-sac-secret': 'vm1-login' }, settings, 'vm1-login'],
    [{ 'RDP-AutoRepair-SAC-Secret': 'vm1-login' }, settings, 'vm1-login'],
    [{}, settings, 'fallback'],
    [{ 'rdp-autorepair-sac-secret': ' ' }, settings, 'fallback'],
    [{}, { ...settings, defaultSecret: null }, null],
  ])('tags %j -> %s', (tags, s, expected) => {
    expect(loginSecretFor(tags, s)).toBe(expected);
  });
});
