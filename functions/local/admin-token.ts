// ADMIN_TOKEN for local runs: the env value, else one generated on first start and kept in DATA_DIR.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../shared/config.js';

export interface ResolvedAdminToken {
  token: string;
  source: 'env' | 'file' | 'generated';
  path: string | null;
}

export function resolveAdminToken(envToken: string | null, dataDir: string): ResolvedAdminToken {
  if (envToken) return { token: envToken, source: 'env', path: null };
  const path = join(dataDir, 'admin-token');
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim();
    if (token.length < 16) throw new ConfigError(`${path} holds a token shorter than 16 characters; delete the file to generate a new one`);
    return { token, source: 'file', path };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = `adm-${randomBytes(24).toString('base64url')}`;
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return { token, source: 'generated', path };
}
