/**
 * Configuration: one schema, parsed once at boot, failing fast. Nothing else
 * in the server reads process.env.
 */
import { z } from 'zod';

const commaList = (value: string) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);

export const Config = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    NEO4J_URI: z.string().min(1).optional(),
    NEO4J_USER: z.string().min(1).default('neo4j'),
    // The local launcher's default (npm run neo4j): set your own anywhere else.
    NEO4J_PASSWORD: z.string().default('ecograph-local'),
    NEO4J_DATABASE: z.string().min(1).optional(),
    SEED: z.enum(['demo', 'none']).default('demo'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Keys are required whenever HOST is not a loopback address; AUTH=required asks for them on loopback too.
    AUTH: z.enum(['auto', 'required']).default('auto'),
    // Host names (DNS rebinding) and origins (CSRF) accepted besides loopback and the server's own; comma-separated.
    ALLOWED_HOSTS: z.string().default(''),
    ALLOWED_ORIGINS: z.string().default(''),
    // Requests per minute per key (or per client address without one): far above what the web app and the tests send.
    RATE_LIMIT: z.coerce.number().int().min(1).default(6000),
    // The key the command-line tools send to a server that requires one (--key overrides it).
    ECOGRAPH_KEY: z.string().min(1).optional(),
  })
  .transform((env) => ({
    port: env.PORT,
    host: env.HOST,
    dataDir: env.DATA_DIR,
    neo4j: env.NEO4J_URI === undefined ? undefined : { uri: env.NEO4J_URI, user: env.NEO4J_USER, password: env.NEO4J_PASSWORD, ...(env.NEO4J_DATABASE ? { database: env.NEO4J_DATABASE } : {}) },
    seed: env.SEED,
    logLevel: env.LOG_LEVEL,
    access: {
      auth: env.AUTH,
      allowedHosts: commaList(env.ALLOWED_HOSTS).map((h) => h.toLowerCase()),
      allowedOrigins: commaList(env.ALLOWED_ORIGINS).map((o) => o.toLowerCase().replace(/\/$/, '')),
      rateLimit: env.RATE_LIMIT,
    },
    clientKey: env.ECOGRAPH_KEY,
  }));
export type Config = z.infer<typeof Config>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable (NEO4J_URI= in a shell or compose file) means "not set".
  const parsed = Config.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`config: invalid environment: ${problems}`);
  }
  return parsed.data;
}
