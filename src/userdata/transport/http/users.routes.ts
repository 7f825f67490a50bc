import { Hono } from 'hono';
import type { User } from '../../entities/user';
import type { CreateUser } from '../../interactors/create-user.interactor';
import type { GetUser } from '../../interactors/get-user.interactor';
import type { UpdateUser } from '../../interactors/update-user.interactor';
import { newUserSchema, userChangesSchema, userIdSchema } from './schemas';
import { validate } from './validation';

export interface UserUseCases {
  readonly createUser: CreateUser;
  readonly getUser: GetUser;
  readonly updateUser: UpdateUser;
}

export function usersRoutes(useCases: UserUseCases): Hono {
  return new Hono()
    .post('/', validate('json', newUserSchema), async (c) => {
      const user = await useCases.createUser.execute(c.req.valid('json'));
      return c.json(toJson(user), 201, { location: `/users/${user.id}` });
    })
    .get('/:id', validate('param', userIdSchema), async (c) => {
      const user = await useCases.getUser.execute(c.req.valid('param').id);
      return c.json(toJson(user));
    })
    .patch('/:id', validate('param', userIdSchema), validate('json', userChangesSchema), async (c) => {
      const user = await useCases.updateUser.execute(c.req.valid('param').id, c.req.valid('json'));
      return c.json(toJson(user));
    });
}

function toJson(user: User) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    address: user.address,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
