package ecograph;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * A local Neo4j Community for development and tests: the embedded DBMS with
 * its Bolt connector on 127.0.0.1, data under DATA_DIR/neo4j, auth enabled
 * with NEO4J_USER / NEO4J_PASSWORD. Runs in the foreground until SIGINT or
 * SIGTERM, then shuts the databases down cleanly.
 */
public final class Neo4jLauncher {
  private static final String DEFAULT_PASSWORD = "ecograph-local";

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    Path home = Path.of(env.getOrDefault("DATA_DIR", "./data"), "neo4j").toAbsolutePath().normalize();
    int port = boltPort(env);
    String user = nonEmpty(env.get("NEO4J_USER"), "neo4j");
    String password = nonEmpty(env.get("NEO4J_PASSWORD"), DEFAULT_PASSWORD);

    DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(GraphDatabaseSettings.auth_enabled, true)
        // No usage reports: this machine reaches no one but package registries.
        .setConfig(GraphDatabaseSettings.udc_enabled, false)
        // Small by default: this runs beside the app and the tests on a developer's machine.
        .setConfig(GraphDatabaseSettings.pagecache_memory, megabytes(env, "NEO4J_PAGECACHE_MB", 256))
        .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("neo4j: stopping");
      dbms.shutdown();
      stopped.countDown();
    }));

    try {
      setCredentials(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), user, password);
    } catch (RuntimeException refused) {
      // e.g. a password shorter than Neo4j's minimum of 8 characters: say so, without a stack trace.
      System.err.println("neo4j: cannot set the credentials from NEO4J_USER / NEO4J_PASSWORD: " + refused.getMessage());
      System.exit(1);
    }
    waitForBolt(port);
    System.out.println("neo4j: data in " + home + ", user " + user);
    System.out.println("neo4j: ready on bolt://127.0.0.1:" + port);
    stopped.await();
  }

  /** NEO4J_BOLT_PORT, else the port of NEO4J_URI, else 7687. */
  private static int boltPort(Map<String, String> env) {
    String explicit = env.get("NEO4J_BOLT_PORT");
    if (explicit != null && !explicit.isEmpty()) return Integer.parseInt(explicit);
    String uri = env.get("NEO4J_URI");
    if (uri != null && !uri.isEmpty() && URI.create(uri).getPort() > 0) return URI.create(uri).getPort();
    return 7687;
  }

  /**
   * The embedded DBMS creates the user neo4j/neo4j with a required password
   * change, which Bolt clients cannot do for themselves: set the configured
   * credentials at every start, so they always are the ones in the environment.
   */
  private static void setCredentials(GraphDatabaseService system, String user, String password) {
    Map<String, Object> params = Map.of("user", user, "password", password);
    system.executeTransactionally("CREATE USER $user IF NOT EXISTS SET PASSWORD $password CHANGE NOT REQUIRED", params);
    try {
      system.executeTransactionally("ALTER USER $user SET PASSWORD $password CHANGE NOT REQUIRED", params);
    } catch (RuntimeException error) {
      // Neo4j refuses to "change" a password to the one it already has: nothing to do then.
      if (!String.valueOf(error.getMessage()).contains("cannot be the same")) throw error;
    }
  }

  private static void waitForBolt(int port) throws InterruptedException {
    for (int attempt = 0; attempt < 300; attempt++) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (java.io.IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("neo4j: Bolt did not open on 127.0.0.1:" + port);
  }

  private static long megabytes(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    return (value == null || value.isEmpty() ? fallback : Long.parseLong(value)) * 1024 * 1024;
  }

  private static String nonEmpty(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }
}
