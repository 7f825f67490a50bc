import type { ExpectedVersions, User } from '../../entities/user';
import { InvalidRequest } from './problem';

/** A user's version as a strong entity tag: the representation is fully determined by it. */
export function etagOf(user: User): string {
  return `"${user.version}"`;
}

const entityTag = /^(W\/)?"([\x21\x23-\x7e]*)"$/;

/**
 * The versions an `If-Match` header accepts (RFC 9110 §13.1.1): none given or `*` is unconditional; otherwise the
 * strong tags that name a version. Weak tags never match, as the RFC's strong comparison says.
 */
export function expectedVersions(ifMatch: string | undefined): ExpectedVersions {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const versions: number[] = [];
  for (const tag of ifMatch.split(',').map((part) => part.trim())) {
    const match = entityTag.exec(tag);
    if (!match) {
      throw new InvalidRequest(400, 'The request is invalid', [
        { field: 'If-Match', message: 'must be "*" or a list of entity tags such as "3"' },
      ]);
    }
    if (!match[1] && /^[1-9][0-9]{0,9}$/.test(match[2] ?? '')) versions.push(Number(match[2]));
  }
  return versions;
}
