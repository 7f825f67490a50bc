import { describe } from 'node:test';
import { userRepositoryContract } from '../../../support/service-tests/userdata/user-repository.contract';
import { InMemoryUserRepository } from './in-memory-user.repository';

describe('InMemoryUserRepository', () => {
  userRepositoryContract(async () => new InMemoryUserRepository());
});
