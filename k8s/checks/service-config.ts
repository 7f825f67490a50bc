import type { z } from 'zod';
import { loadConfig as pushEmailConfig, pushEmailEnvironment } from '../../src/push-email/config';
import { loadConfig as userdataConfig, userdataEnvironment } from '../../src/userdata/config';
import type { KubernetesObject } from './kubernetes-schema';
import { container, environmentOf, workload } from './objects';

/** A service of the project as k8s/ runs it: its Deployment, main container and zod schema of variables. */
export interface ServiceUnderTest {
  readonly deployment: string;
  readonly container: string;
  readonly environment: z.ZodObject;
  readonly load: (env: NodeJS.ProcessEnv) => { readonly http: { readonly host: string; readonly port: number } };
}

export const projectServices: readonly ServiceUnderTest[] = [
  { deployment: 'userdata', container: 'userdata', environment: userdataEnvironment, load: userdataConfig },
  { deployment: 'push-email', container: 'push-email', environment: pushEmailEnvironment, load: pushEmailConfig },
];

/** The variables of a schema that have neither a default nor are optional: the environment must give them. */
export function requiredVariables(environment: z.ZodObject): string[] {
  return Object.entries(environment.shape)
    .filter(([, schema]) => !(schema as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name);
}

/**
 * What is wrong with the environment k8s/ gives a service's container: a variable its schema does not know (a typo
 * the service would silently ignore), a required one missing, or values the schema refuses.
 */
export function serviceConfigProblems(objects: readonly KubernetesObject[], service: ServiceUnderTest): string[] {
  const where = `Deployment/${service.deployment} container ${service.container}`;
  const env = environmentOf(
    objects,
    container(workload(objects, 'Deployment', service.deployment).pod, service.container),
  );
  const known = new Set(Object.keys(service.environment.shape));
  const problems = [
    ...Object.keys(env)
      .filter((name) => !known.has(name))
      .map((name) => `${where}: ${name} is not a variable of the service's config schema`),
    ...requiredVariables(service.environment)
      .filter((name) => !(name in env))
      .map((name) => `${where}: the required ${name} is not set`),
  ];
  try {
    service.load(env);
  } catch (error) {
    problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return problems;
}
