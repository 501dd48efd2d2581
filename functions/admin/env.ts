// The admin app's Hono environment: who the caller is, set by the auth middleware.
import type { Role } from './session-cookie.js';

export interface AdminEnv {
  Variables: {
    role: Role;
    /** The key id of a key-holder caller. */
    keyId: string | null;
  };
}
