/** A person whose data userdata keeps; every change to it becomes a change event on `cdc.info-user`. */
export interface User {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly address: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewUser {
  readonly name: string;
  readonly email: string;
  readonly address: string;
}

/** The fields a person may change; absent fields stay as they are. */
export type UserChanges = Partial<NewUser>;
