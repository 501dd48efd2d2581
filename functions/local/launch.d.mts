/** The V8 flags `npm start` gives node (see launch.mjs). */
export const GATEWAY_NODE_FLAGS: readonly string[];
/** Builds `entry` (a .ts file) into node_modules/.cache/code-hub/ and returns the built file's path (see launch.mjs). */
export function buildGateway(entry: string, name: string): string;
