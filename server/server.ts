/** Starts the application and shuts it down gracefully. */
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { MapQuery } from './schemas/analytics.js';
import { StoreAuthError, StoreInUseError, StoreUnavailableError } from './store/index.js';

const config = loadConfig();
let app;
try {
  app = await buildApp(config);
} catch (error) {
  if (error instanceof StoreInUseError) {
    console.error(`ecograph: ${error.message}. Stop the other server, or point DATA_DIR elsewhere.`);
    process.exit(1);
  }
  if (error instanceof StoreUnavailableError || error instanceof StoreAuthError) {
    console.error(`ecograph: ${error.message}`);
    if (error instanceof StoreUnavailableError) console.error('ecograph: start Neo4j (npm run neo4j), or unset NEO4J_URI to use the embedded store.');
    process.exit(1);
  }
  throw error;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info(`${signal}: closing`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error(error);
        process.exit(1);
      },
    );
  });
}
await app.listen({ port: config.port, host: config.host });
// Build the projection and its metrics now rather than on the first map request (tens of seconds at 100,000 partners),
// and read the map's first answers from the snapshot at once.
const projection = app.projection.current();
projection.catch((error: unknown) => app.log.error(error, 'warming the projection failed'));
void app.projection.earlyMap(MapQuery.parse({})).catch((error: unknown) => app.log.error(error, 'reading the early map failed'));
// The programme's records too (from their files, or the store: seconds at 100,000 partners), once the projection is
// restored: read together, the two restores' garbage held the event loop longer. A programme request before then
// reads what it needs itself.
void projection
  .catch(() => undefined)
  .then(() => app.programme.warmUp())
  .catch((error: unknown) => app.log.error(error, 'warming the programme records failed'));
const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
console.log(`\nEcograph is running on the ${app.store.kind} store: open http://${shown}:${config.port}/  (API docs: http://${shown}:${config.port}/docs)\n`);
