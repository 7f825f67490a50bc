// Cucumber-js configuration: the executable specification in features/, steps in steps/, and the World, hooks
// and drivers in support/. tsx compiles them on the fly (type checking is `npm run typecheck`); the services the
// specs start are the compiled build (`npm run build`), as the image runs them.
// `npm run test:specs` runs Cucumber with this file (support/commands/specs.ts); with CDC_STACK=reuse, npm start runs it
// in its own process against the stack it keeps (support/specs/attached-runs.ts).
// Scenarios tagged @kafka-cluster need three brokers (CDC_KAFKA_BROKERS=3, `npm run test:specs:cluster`): a run on
// one broker leaves them out.
const onACluster = Number(process.env.CDC_KAFKA_BROKERS ?? 1) >= 3;
// The World, hooks and their collaborators; not the unit tests beside them (node:test would run them in Cucumber),
// nor the endpoint npm start serves attached runs with (it runs Cucumber, it is not run by it).
const specSupport = require('node:fs')
  .readdirSync(`${__dirname}/support/specs`)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'attached-runs.ts')
  .map((file) => `support/specs/${file}`);

module.exports = {
  default: {
    paths: ['features/**/*.feature'],
    requireModule: ['tsx/cjs'],
    require: [...specSupport, 'steps/**/*.ts'],
    format: ['pretty', 'html:reports/cucumber.html'],
    formatOptions: { snippetInterface: 'async-await' },
    strict: true,
    // AfterAll has stopped the stack; a timer some client library left behind (kafkajs retrying a broker a failed
    // fault scenario left down) must not keep the run from ending with its result.
    forceExit: true,
    ...(onACluster ? {} : { tags: 'not @kafka-cluster' }),
  },
};
