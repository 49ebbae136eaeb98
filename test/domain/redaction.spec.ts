import { REDACTED, redactSecrets } from '../../src/domain/redaction';

describe('redactSecrets', () => {
  it.each([
    [
      'SAS URL',
      'copy from https://acct.blob.core.windows.net/c/disk.vhd?sv=2022-11-02&sp=r&se=2026-01-01&sig=AbC%2Bdef%3D failed',
      'sig=AbC',
    ],
    ['SAS query only', 'token ?sv=2022&sig=QUJDREVGR0hJSktMTU5PUA%3D%3D', 'QUJDREVGR0hJSktMTU5PUA'],
    ['bearer token', 'Authorization: Bearer abc.def-ghi_jkl~mno', 'abc.def-ghi_jkl~mno'],
    ['bare JWT', 'token was eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln rejected', 'eyJhbGciOiJSUzI1NiJ9'],
    ['password in JSON', '{"adminPassword":"Hunter2!x"}', 'Hunter2!x'],
    ['password setting', 'pwd=Secret123;user=me', 'Secret123'],
    ['function key in URL', 'POST https://app.azurewebsites.net/api/repairs?code=KeyKeyKey123== ok', 'KeyKeyKey123'],
    ['function key alone', 'code=fnkey_0123456789', 'fnkey_0123456789'],
    ['function key header', 'x-functions-key: k3y-value-here', 'k3y-value-here'],
    ['account key', 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo=;', 'YWJjZGVm'],
    ['client secret', 'client_secret: s3cr3t-value', 's3cr3t-value'],
    ['base64 key alone', 'key is dGhpcyBpcyBhIHZlcnkgbG9uZyBzZWNyZXQga2V5IHZhbHVlIQ==', 'dGhpcyBp'],
  ])('removes a %s', (_name, text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it.each([
    '/subscriptions/5f0c1a7e-3b2d-4c8e-9a61-7d2e4b9c0a11/resourceGroups/rg-rdp-sim/providers/Microsoft.Compute/virtualMachines/vm-healthy',
    '/subscriptions/5f0c1a7e-3b2d-4c8e-9a61-7d2e4b9c0a11/resourceGroups/rg/providers/Microsoft.Compute/snapshots/rdprepair-vm-20260105T030000Z',
    'TermService restarted; exit code: 5; TLS 1.2 enabled (SCHANNEL\\Protocols\\TLS 1.2\\Server)',
    'probe 203.0.113.4:3389 answered in 41 ms; certificate thumbprint 3F2A9C0B1D4E5F60718293A4B5C6D7E8F9012345',
  ])('keeps what is no secret: %s', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});
