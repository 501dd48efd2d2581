// A DynamoDB-compatible store (dynalite) in a process of its own, persisted under a directory, so
// system tests can kill it and start it again on the same port with the same data.
// Usage: node store-process.mjs <dataDir> <port>; prints `listening <port>` once it accepts.
import dynalite from 'dynalite';
import { mkdirSync } from 'node:fs';

const [dataDir, portArg] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: store-process.mjs <dataDir> [port]');
  process.exit(2);
}
mkdirSync(dataDir, { recursive: true });
const server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once('error', (err) => {
  console.error(`store failed: ${err.message}`);
  process.exit(1);
});
server.listen(Number(portArg ?? 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
const stop = () => {
  server.closeAllConnections?.();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
