import { waitForTaskRunning } from '../components/debezium-connector';
import { eventually } from '../lib/eventually';
import type { RunningStack } from '../stack/start-stack';

/**
 * Waits until the stack is whole again: every component runs (none down or frozen), userdata reaches its database
 * (/ready), push-email is in its consumer group with its mail server and database (/ready), and the connector's task
 * is RUNNING. A FAILED task ends the wait at once: Connect does not restart it by itself.
 */
export async function untilStackReady(stack: RunningStack, timeoutMs = 120_000): Promise<void> {
  const probes: Record<string, string> = {
    userdata: `${stack.userdataUrl}/ready`,
    'push-email': `http://127.0.0.1:${stack.ports.pushEmail}/ready`,
  };
  let last = 'nothing yet';
  await eventually(
    async () => {
      const notRunning = Object.entries(stack.components).filter(([, control]) => control.state !== 'running');
      if (notRunning.length > 0) {
        last = notRunning.map(([name, control]) => `${name} ${control.state}`).join(', ');
        return undefined;
      }
      for (const [name, url] of Object.entries(probes)) {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        last = `${name} /ready ${response.status} ${await response.text()}`;
        if (!response.ok) return undefined;
      }
      return true;
    },
    { awaiting: 'every component to run and be ready', timeoutMs, intervalMs: 100, lastSeen: () => last },
  );
  await waitForTaskRunning(stack.infrastructure.connect.url);
}
