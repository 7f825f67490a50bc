import type { ComponentControl } from './supervisor';

/**
 * Several components as one, for a fault that hits all of them (every broker of a cluster killed, frozen, started
 * again): kill and freeze act on each member, restart and thaw bring back those that need it, all at once (the nodes
 * of a quorum are ready only together). It is `down` while any member is, `frozen` while any member is.
 */
export class ComponentGroup implements ComponentControl {
  constructor(
    readonly name: string,
    readonly members: readonly ComponentControl[],
  ) {
    if (members.length === 0) throw new Error(`${name} has no members`);
  }

  get state(): ComponentControl['state'] {
    const states = this.members.map((member) => member.state);
    if (states.includes('down')) return 'down';
    return states.includes('frozen') ? 'frozen' : 'running';
  }

  async kill(): Promise<void> {
    await all(this.members.map((member) => member.kill()));
  }

  async restart(): Promise<void> {
    await all(this.members.filter((member) => member.state === 'down').map((member) => member.restart()));
  }

  async freeze(): Promise<void> {
    await all(this.members.map((member) => member.freeze()));
  }

  async thaw(): Promise<void> {
    await all(this.members.filter((member) => member.state === 'frozen').map((member) => member.thaw()));
  }
}

/** Waits for every one of them, then fails with the first failure: no member is left half-way. */
async function all(operations: readonly Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(operations)).find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
