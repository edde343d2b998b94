/**
 * A Neo4j of a test's own, started with the project's launcher
 * (scripts/neo4j/run.sh) on a free port with its own data directory: for the
 * tests that stop and restart Neo4j under a running server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const HAS_JAVA = spawnSync('java', ['-version']).status === 0 && spawnSync('mvn', ['-v']).status === 0;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface LocalNeo4j {
  uri: string;
  user: string;
  password: string;
  /** Starts it (again, on the same port and data). */
  start(): Promise<void>;
  /** SIGKILL: Neo4j lost, as in a crash or a pulled cable. */
  kill(): Promise<void>;
  /** SIGTERM: a clean shutdown. */
  stop(): Promise<void>;
}

export async function localNeo4j(dataDir: string, password = 'local-test-pw'): Promise<LocalNeo4j> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return {
    uri: `bolt://127.0.0.1:${port}`,
    user: 'neo4j',
    password,
    start: () =>
      new Promise((resolve, reject) => {
        const env = { ...process.env, DATA_DIR: dataDir, NEO4J_BOLT_PORT: String(port), NEO4J_USER: 'neo4j', NEO4J_PASSWORD: password, NEO4J_URI: '' };
        // run.sh execs java: the child is Neo4j itself, so signals reach it directly.
        child = spawn('bash', ['scripts/neo4j/run.sh'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        const seen = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('neo4j: ready on')) resolve();
        };
        child.stdout!.on('data', seen);
        child.stderr!.on('data', seen);
        child.once('exit', (code) => reject(new Error(`local Neo4j exited (${code}) before it was ready:\n${output}`)));
      }),
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}
