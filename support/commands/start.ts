/**
 * `npm start`: the whole product on this machine — MariaDB, Kafka, Kafka Connect with Debezium, userdata,
 * push-email and MailDev to read the emails — on the documented ports, until Ctrl-C.
 */

import { join } from 'node:path';
import { silenceKafkajsTimeoutWarning } from '../../src/shared/known-warnings';
import { environmentFromEnv } from '../environments/select-environment';
import { serveAttachedRuns } from '../specs/attached-runs';
import { holdStack } from '../specs/stack-holder';
import { buildServices } from '../stack/services';
import { type SourceWatch, watchServiceSources } from '../stack/source-watch';
import { descriptorPath, publishStack } from '../stack/stack-descriptor';
import { documentedPorts } from '../stack/stack-ports';
import { stackDescription, startStack } from '../stack/start-stack';

// kafkajs's TimeoutNegativeWarning on Node 24 is noise (see known-warnings.ts).
silenceKafkajsTimeoutWarning();

async function main(): Promise<void> {
  const ports = await documentedPorts(process.env);
  const environment = await environmentFromEnv(process.env, (line) => console.log(line));
  const stack = await startStack({
    environment,
    ports,
    mailSink: 'maildev',
    keepData: process.env.CDC_KEEP_DATA === '1',
  });
  const root = join(__dirname, '..', '..');
  const description = stackDescription(environment, stack.infrastructure);
  // The specs attach to this stack (CDC_STACK=reuse): they run in this process, beside it, on request.
  let sources: SourceWatch | undefined;
  const attach = await holdStack(stack, 'the stack process')
    .then(() =>
      serveAttachedRuns({
        root,
        description,
        log: (line) => console.log(line),
        // A run right after a save tests the code saved: it waits for the rebuild, and says when that failed.
        beforeRun: async (say) => {
          if (sources?.busy) say('Waiting for the services to be rebuilt and restarted with the code just saved…');
          await sources?.settled();
          if (sources?.buildFailure) {
            say(`The last build failed: the services run their previous code.\n${sources.buildFailure}`);
          }
        },
      }),
    )
    .catch(async (error: unknown) => {
      await stack.stop();
      throw error;
    });
  const { database } = stack.infrastructure;
  const watching = process.env.CDC_WATCH !== '0';
  // Other commands of this checkout (npm run events, attached spec runs) find the stack here while it runs.
  process.once('exit', publishStack(stack, description, { url: attach.url, token: attach.token }));
  console.log(
    [
      '',
      'The CDC stack is running:',
      `  userdata API     ${stack.userdataUrl}   (try: curl -X POST ${stack.userdataUrl}/users -H 'content-type: application/json' -d '{"name":"Ana","email":"ana@example.com","address":"Rua A, 1"}')`,
      `  emails (MailDev) ${stack.mailUiUrl}`,
      `  Kafka            ${stack.infrastructure.kafka.brokers.join(',')}   topic ${stack.changeTopic}`,
      `  Kafka Connect    ${stack.infrastructure.connect.url}   status: ${stack.connectorStatusUrl}`,
      `  database         ${database.host}:${database.port}   ${stack.infrastructure.server}, database ${database.name}, user ${database.userdata.user} / ${database.userdata.password}`,
      `  SMTP             127.0.0.1:${ports.smtp}`,
      `  push-email       http://127.0.0.1:${ports.pushEmail}/ready`,
      `  data and logs    ${stack.runFolder}`,
      `  this stack       ${descriptorPath()}   (how npm run events and attached spec runs find it)`,
      '',
      watching
        ? 'userdata and push-email are rebuilt and restarted when their code in src/ changes (CDC_WATCH=0: never).'
        : 'The services run the code they started with (CDC_WATCH=0).',
      "The specs run against this stack from another terminal: CDC_STACK=reuse npm run test:specs -- --name 'updates their address'",
      'Press Ctrl-C to stop everything.',
    ].join('\n'),
  );
  if (watching) {
    // A build under way when the stack stops must not outlive it.
    const builds = new AbortController();
    process.once('exit', () => builds.abort());
    sources = watchServiceSources({
      root,
      build: () => buildServices(builds.signal),
      restart: (service) => stack.replaceService(service),
      log: (line) => console.log(line),
    });
  }
  // The stack's own SIGINT/SIGTERM handlers stop everything and exit; until then, keep running.
}

main().catch((error: unknown) => {
  // The harness's errors say what failed and what to do; a stack trace helps only when debugging the harness itself.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`\nnpm start failed: ${message}`);
  if (process.env.CDC_DEBUG === '1' && error instanceof Error) console.error(error.stack);
  process.exit(1);
});
