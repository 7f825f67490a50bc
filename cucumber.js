// Cucumber-js configuration: the executable specification in features/, steps in steps/, and the World, hooks
// and drivers in support/. ts-node compiles on the fly (type checking is `npm run typecheck`).
module.exports = {
  default: {
    paths: ['features/**/*.feature'],
    requireModule: ['ts-node/register/transpile-only'],
    require: ['support/specs/*.ts', 'steps/**/*.ts'],
    format: ['pretty', 'html:reports/cucumber.html'],
    formatOptions: { snippetInterface: 'async-await' },
    strict: true,
  },
};
