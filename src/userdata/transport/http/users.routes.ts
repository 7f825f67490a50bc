import { createRoute, OpenAPIHono, type RouteHandler, type z } from '@hono/zod-openapi';
import type { User } from '../../entities/user';
import type { CreateUser } from '../../interactors/create-user.interactor';
import type { DeleteUser } from '../../interactors/delete-user.interactor';
import type { GetUser } from '../../interactors/get-user.interactor';
import type { ListUsers } from '../../interactors/list-users.interactor';
import type { UpdateUser } from '../../interactors/update-user.interactor';
import { etagOf, expectedVersions } from './etag';
import { problemResponses } from './problem-responses';
import {
  IfMatchHeaderSchema,
  NewUserSchema,
  PageQuerySchema,
  UserChangesSchema,
  UserIdParamSchema,
  UserPageSchema,
  UserSchema,
} from './schemas';
import { validationHook } from './validation';

export interface UserUseCases {
  readonly createUser: CreateUser;
  readonly getUser: GetUser;
  readonly listUsers: ListUsers;
  readonly updateUser: UpdateUser;
  readonly deleteUser: DeleteUser;
}

const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
const userResponse = (description: string) => ({
  description,
  headers: { ETag: { schema: { type: 'string' as const }, description: "The user's version, for If-Match" } },
  content: { 'application/json': { schema: UserSchema } },
});

const createUserRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['users'],
  summary: 'Register a user',
  request: { body: jsonBody(NewUserSchema) },
  responses: {
    201: {
      ...userResponse('The user as stored'),
      headers: {
        ETag: { schema: { type: 'string' }, description: "The user's version, for If-Match" },
        Location: { schema: { type: 'string' }, description: "The new user's URL" },
      },
    },
    ...problemResponses(400, 409, 413, 415, 422),
  },
});

const listUsersRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['users'],
  summary: 'List users in id order, a page at a time',
  request: { query: PageQuerySchema },
  responses: {
    200: { description: 'One page of users', content: { 'application/json': { schema: UserPageSchema } } },
    ...problemResponses(400),
  },
});

const getUserRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['users'],
  summary: 'Read a user',
  request: { params: UserIdParamSchema },
  responses: { 200: userResponse('The user'), ...problemResponses(400, 404) },
});

const changeResponses = {
  200: userResponse('The user as stored'),
  ...problemResponses(400, 404, 409, 412, 413, 415, 422),
};

const replaceUserRoute = createRoute({
  method: 'put',
  path: '/{id}',
  tags: ['users'],
  summary: "Replace all of a user's details",
  request: { params: UserIdParamSchema, headers: IfMatchHeaderSchema, body: jsonBody(NewUserSchema) },
  responses: changeResponses,
});

const patchUserRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags: ['users'],
  summary: "Change some of a user's details",
  description: 'Absent fields stay as they are. A change that changes nothing writes nothing and emits no event.',
  request: { params: UserIdParamSchema, headers: IfMatchHeaderSchema, body: jsonBody(UserChangesSchema) },
  responses: changeResponses,
});

const deleteUserRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: ['users'],
  summary: 'Delete a user',
  request: { params: UserIdParamSchema, headers: IfMatchHeaderSchema },
  responses: { 204: { description: 'The user is gone' }, ...problemResponses(400, 404, 412) },
});

export function usersRoutes(useCases: UserUseCases) {
  // PUT and PATCH differ only in the body they accept, which each route validates: past that, one path. Typed by
  // PATCH's route, whose body (any of the fields) is the wider one, so nothing here assumes a PUT's every field.
  const changeUser: RouteHandler<typeof patchUserRoute> = async (c) => {
    const expected = expectedVersions(c.req.valid('header')['if-match']);
    const user = await useCases.updateUser.execute(c.req.valid('param').id, c.req.valid('json'), expected);
    return c.json(toJson(user), 200, { etag: etagOf(user) });
  };
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(createUserRoute, async (c) => {
      const user = await useCases.createUser.execute(c.req.valid('json'));
      return c.json(toJson(user), 201, { location: `/users/${user.id}`, etag: etagOf(user) });
    })
    .openapi(listUsersRoute, async (c) => {
      const { after, limit } = c.req.valid('query');
      const page = await useCases.listUsers.execute({
        ...(after === undefined ? {} : { afterId: after }),
        ...(limit === undefined ? {} : { limit }),
      });
      const next =
        page.nextAfterId === undefined ? null : `/users?after=${page.nextAfterId}${limit ? `&limit=${limit}` : ''}`;
      return c.json({ users: page.users.map(toJson), next }, 200);
    })
    .openapi(getUserRoute, async (c) => {
      const user = await useCases.getUser.execute(c.req.valid('param').id);
      return c.json(toJson(user), 200, { etag: etagOf(user) });
    })
    .openapi(replaceUserRoute, changeUser)
    .openapi(patchUserRoute, changeUser)
    .openapi(deleteUserRoute, async (c) => {
      const expected = expectedVersions(c.req.valid('header')['if-match']);
      await useCases.deleteUser.execute(c.req.valid('param').id, expected);
      return c.body(null, 204);
    });
}

function toJson(user: User): z.infer<typeof UserSchema> {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    address: user.address,
    version: user.version,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
