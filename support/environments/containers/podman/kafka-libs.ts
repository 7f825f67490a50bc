/**
 * Prints the folder of Kafka's jars (broker, Connect runtime, slf4j-simple) from the harness's jar cache, resolving
 * them with Maven on first use. prepare.sh copies them into the podman Kafka image. Progress goes to stderr; stdout
 * holds only the folder.
 */
import { defaultJarCache, resolveJars } from '../../../components/jars';

resolveJars(defaultJarCache(), 'mariadb', (line) => console.error(line)).then(
  (jars) => console.log(jars.kafkaLibs),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
