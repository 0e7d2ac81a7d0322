// The public surface of tessera/ca: re-exports only.
export { CaServer } from './server.js';
export { type CaConfig, DEFAULTS, validateConfig, parseDuration } from './config.js';
export { AdminClient } from './admin-client.js';
export { type Logger, createLogger, silentLogger } from './log.js';
export { verifyAudit } from './audit/verify.js';
export { AuthorityClient } from './authority-client.js';
