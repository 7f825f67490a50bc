import type { ChangeFeed } from './change-feed';
import type { UserDetails, UserdataClient, UserResource } from './userdata-client';

/**
 * Waits until the pipeline has caught up with everything done so far: makes one real change (registers `marker`,
 * who is nobody the caller watches), waits until Debezium has captured it, then until the consumer group `groupId`
 * (push-email's) has committed every record the topic holds. push-email commits only after SMTP accepted the email,
 * so afterwards an absent email is truly absent. Returns the marker as registered.
 */
export async function untilCaughtUp(
  { userdata, changeFeed, groupId }: { userdata: UserdataClient; changeFeed: ChangeFeed; groupId: string },
  marker: UserDetails,
  timeoutMs = 30_000,
): Promise<UserResource> {
  const registered = await userdata.register(marker);
  await changeFeed.waitFor(
    `the creation of marker user ${registered.id}`,
    (record) => record.userId === registered.id && record.value?.op === 'c',
    timeoutMs,
  );
  await changeFeed.waitUntilConsumed(groupId, timeoutMs);
  return registered;
}
