import type { OpenAPIHono } from '@hono/zod-openapi';
import { CreateUser } from './interactors/create-user.interactor';
import { DeleteUser } from './interactors/delete-user.interactor';
import { GetUser } from './interactors/get-user.interactor';
import { ListUsers } from './interactors/list-users.interactor';
import { UpdateUser } from './interactors/update-user.interactor';
import type { UserRepository } from './repositories/user-repository';
import { type AppDependencies, createApp } from './transport/http/app';

export interface UserdataDependencies extends Pick<AppDependencies, 'checkDatabase' | 'logger'> {
  readonly users: UserRepository;
}

/**
 * userdata from its adapters: the use cases over `users`, served by the HTTP app. main.ts calls it with MySQL, the
 * tests with an in-memory repository, so both run the same wiring. Free of side effects.
 */
export function createUserdataApp({ users, checkDatabase, logger }: UserdataDependencies): OpenAPIHono {
  return createApp({
    createUser: new CreateUser(users),
    getUser: new GetUser(users),
    listUsers: new ListUsers(users),
    updateUser: new UpdateUser(users),
    deleteUser: new DeleteUser(users),
    checkDatabase,
    logger,
  });
}
