import type { Environment } from '../environment';
import { NativeEnvironment } from '../native/native-environment';

/** The environment named by CDC_ENVIRONMENT; `native` (processes on this machine) unless told otherwise. */
export function environmentFromEnv(env: NodeJS.ProcessEnv): Environment {
  const name = env.CDC_ENVIRONMENT ?? 'native';
  switch (name) {
    case 'native':
      return new NativeEnvironment();
    default:
      throw new Error(`CDC_ENVIRONMENT=${name} is not an environment this harness knows; use "native".`);
  }
}
