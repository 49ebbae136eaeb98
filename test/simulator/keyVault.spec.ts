/** The simulated Key Vault answers the REAL SecretClient as Key Vault does: challenge first, then the secret's shape. */
import { SecretClient } from '@azure/keyvault-secrets';
import { SimulatedCredential } from '../../src/simulator/arm';
import { SIMULATED_VAULT_URI, SimulatedKeyVault } from '../../src/simulator/keyVault/simulatedKeyVault';

describe('simulated Key Vault', () => {
  it('challenges, then returns the secret in the REST shape the SDK reads', async () => {
    const vault = new SimulatedKeyVault();
    vault.setSecret('vm1-login', '{"username":"a","password":"value-not-logged"}');
    const credential = new SimulatedCredential();
    const client = new SecretClient(SIMULATED_VAULT_URI, credential, { httpClient: vault });
    const secret = await client.getSecret('vm1-login');
    expect(secret.value).toBe('{"username":"a","password":"value-not-logged"}');
    expect(secret.name).toBe('vm1-login');
    expect(secret.properties.enabled).toBe(true);
    expect(credential.requestedScopes).toContain('https://vault.azure.net/.default');
    expect(vault.requests().map((r) => r.status)).toEqual([401, 200]);
    expect(JSON.stringify(vault.requests())).not.toContain('value-not-logged');
  });

  it('a missing or disabled secret is the SDK error Key Vault gives', async () => {
    const vault = new SimulatedKeyVault();
    vault.setSecret('off', 'x', { enabled: false });
    const client = new SecretClient(SIMULATED_VAULT_URI, new SimulatedCredential(), { httpClient: vault });
    await expect(client.getSecret('nope')).rejects.toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
    await expect(client.getSecret('off')).rejects.toMatchObject({ statusCode: 403, code: 'Forbidden' });
  });
});
