// Cucumber-js configuration: the executable specification in features/, steps in steps/, and the World, hooks
// and drivers in support/. tsx compiles them on the fly (type checking is `npm run typecheck`); the services the
// specs start are the compiled build (`npm run build`), as the image runs them.
module.exports = {
  default: {
    paths: ['features/**/*.feature'],
    requireModule: ['tsx/cjs'],
    require: ['support/specs/*.ts', 'steps/**/*.ts'],
    format: ['pretty', 'html:reports/cucumber.html'],
    formatOptions: { snippetInterface: 'async-await' },
    strict: true,
  },
};
