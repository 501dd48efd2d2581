// Types for dynalite (ships none): it returns a node http.Server whose close() also closes its LevelDB.
declare module 'dynalite' {
  import type { Server } from 'node:http';
  function dynalite(options?: Record<string, unknown>): Server;
  export default dynalite;
}
