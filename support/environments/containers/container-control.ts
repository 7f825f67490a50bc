import { getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import type { ComponentControl } from '../../components/environment';
import { eventually } from '../../lib/eventually';

/**
 * Faults on a container, through the runtime's API: kill (SIGKILL) and start the same container again (its
 * filesystem, so its data, and its port bindings kept), pause and unpause (the cgroup freezer: as SIGSTOP to every
 * process in it).
 */
export class ContainerControl implements ComponentControl {
  private current: ComponentControl['state'] = 'running';

  /**
   * @param ports the container ports the host reaches: a restart must keep their host ports, or every client's
   *   address would be stale (podman keeps them; a Docker engine may hand out others, which is then an error).
   * @param ready resolves once the container does its job again after a restart.
   */
  constructor(
    readonly name: string,
    private readonly container: StartedTestContainer,
    private readonly ports: readonly number[],
    private readonly ready: () => Promise<void>,
  ) {}

  get state(): ComponentControl['state'] {
    return this.current;
  }

  async kill(): Promise<void> {
    const client = await getContainerRuntimeClient();
    const container = client.container.getById(this.container.getId());
    if (this.current === 'frozen') await this.thaw();
    await container.kill({ signal: 'SIGKILL' });
    await eventually(async () => ((await container.inspect()).State.Running ? undefined : true), {
      awaiting: `the container of ${this.name} to stop after SIGKILL`,
      timeoutMs: 20_000,
    });
    this.current = 'down';
  }

  async restart(): Promise<void> {
    const client = await getContainerRuntimeClient();
    const container = client.container.getById(this.container.getId());
    await container.start();
    const bindings = (await container.inspect()).NetworkSettings.Ports;
    for (const port of this.ports) {
      const hostPort = Number(bindings[`${port}/tcp`]?.[0]?.HostPort);
      const before = this.container.getMappedPort(port);
      if (hostPort !== before) {
        throw new Error(
          `${this.name} came back with its port ${port} on host port ${hostPort}, not ${before}: this container ` +
            'runtime does not keep a restarted container’s port bindings, so its clients cannot find it again.',
        );
      }
    }
    this.current = 'running';
    await this.ready();
  }

  async freeze(): Promise<void> {
    const client = await getContainerRuntimeClient();
    await client.container.getById(this.container.getId()).pause();
    this.current = 'frozen';
  }

  async thaw(): Promise<void> {
    if (this.current !== 'frozen') return;
    const client = await getContainerRuntimeClient();
    await client.container.getById(this.container.getId()).unpause();
    this.current = 'running';
  }

  /** For the teardown: a paused container is let go on first, so that it can stop in order. */
  async stop(): Promise<void> {
    await this.thaw().catch(() => undefined);
    await this.container.stop();
  }
}
