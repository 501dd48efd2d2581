// Reads the admin token on AWS: ADMIN_TOKEN if set, else the Secrets Manager secret (once per cold start).
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, type HubConfig } from '../shared/config.js';

export async function loadAdminToken(config: HubConfig, client = new SecretsManagerClient({ region: config.region })): Promise<string> {
  if (config.adminToken) return config.adminToken;
  if (!config.adminTokenSecretArn) throw new ConfigError('neither ADMIN_TOKEN nor ADMIN_TOKEN_SECRET_ARN is set');
  const out = await client.send(new GetSecretValueCommand({ SecretId: config.adminTokenSecretArn }));
  const token = out.SecretString?.trim() ?? '';
  if (token.length < 16) throw new ConfigError('the admin token secret must hold at least 16 characters');
  return token;
}
