import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { newPasswords, operatorUser, provisionDatabase } from '../../support/components/provisioning';
import type { KubernetesObject } from './kubernetes-schema';
import { initSql, usersOf } from './mysql-init';
import { type Container, container, environmentOf, workload } from './objects';
import { microk8s, overlays } from './overlays';
import { renderOverlay, secretKeys } from './render';
import { debeziumPasswordKey, k8sConnectorSettings } from './render-connector-config';

/**
 * One distinct password per Secret key, so that the SQL shows which key each user's password comes from. The keys are
 * every overlay's (manifests.test.ts holds each Secret to its secrets.env.example; these are the same).
 */
const passwords = Object.fromEntries(secretKeys(microk8s.folder).map((key) => [key, `pw-${key.toLowerCase()}`]));
const keyOfPassword = new Map(Object.entries(passwords).map(([key, password]) => [`'${password}'`, key]));

const { sql, status, stderr } = initSql(passwords);
const users = usersOf(sql);

describe('k8s/base/mysql/10-users.sh', () => {
  it('runs in the entrypoint, creating both databases', () => {
    assert.equal(status, 0, stderr);
    assert.match(sql, /CREATE DATABASE IF NOT EXISTS clients /);
    assert.match(sql, /CREATE DATABASE IF NOT EXISTS push_email /);
  });

  it("creates the harness's users with the same grants, for any host, with caching_sha2_password", async () => {
    const harness = await harnessUsers();
    // The harness's operator causes faults in the specs; a deployment has no use for it.
    harness.delete(operatorUser);
    assert.ok(harness.size >= 5, 'the harness provisions its users');
    assert.deepEqual([...users.keys()].sort(), [...harness.keys()].sort());
    for (const [name, user] of users) {
      assert.equal(user.host, '%', name);
      assert.equal(user.plugin, 'caching_sha2_password', name);
      assert.deepEqual(user.grants.sort(), harness.get(name)?.sort(), name);
    }
  });

  it('gives each user the password of its own Secret key', () => {
    assert.equal(new Set([...users.values()].map((user) => user.password)).size, users.size);
    for (const [name, user] of users) assert.ok(keyOfPassword.has(user.password), `${name}: ${user.password}`);
  });

  it('quotes passwords whatever they hold', () => {
    const nasty = { ...passwords, USERDATA_PASSWORD: 'it\'s \\ $(touch /tmp/x) `id` "q"' };
    const { sql: quoted, status: quotedStatus } = initSql(nasty);
    assert.equal(quotedStatus, 0);
    assert.equal(usersOf(quoted).get('userdata')?.password, "'it''s \\\\ $(touch /tmp/x) `id` \"q\"'");
  });

  it('stops the initialisation when a password is missing', () => {
    const { USERDATA_PASSWORD: _, ...incomplete } = passwords;
    const result = initSql(incomplete);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /USERDATA_PASSWORD is not set/);
  });

  it('has the same keys in every overlay', () => {
    for (const { folder } of overlays) assert.deepEqual(secretKeys(folder), Object.keys(passwords), folder);
  });
});

for (const overlay of overlays) {
  describe(`k8s/${overlay.folder} and 10-users.sh`, () => {
    let objects: KubernetesObject[];
    before(async () => {
      objects = await renderOverlay(overlay.folder);
    });

    it('is what the mysql pod runs, with the passwords of the Secret', () => {
      const pod = workload(objects, 'StatefulSet', 'mysql').pod;
      const mysql = container(pod, 'mysql');
      const mount = mysql.volumeMounts?.find((m) => m.mountPath === '/docker-entrypoint-initdb.d');
      const volume = pod.volumes?.find((v) => v.name === mount?.name);
      assert.match(volume?.configMap?.name ?? '', /^mysql-init-/);
      const env = environmentOf(objects, mysql);
      for (const key of secretKeys(overlay.folder)) assert.ok(env[key], `mysql lacks ${key}`);
    });

    it('creates every user the manifests log in as, with the password they are given', () => {
      const logins: [string, string, Container, string][] = [];
      for (const name of ['userdata', 'push-email']) {
        const pod = workload(objects, 'Deployment', name).pod;
        const main = container(pod, name);
        const migrate = container(pod, 'migrate');
        logins.push([name, environmentOf(objects, main).DATABASE_USER ?? '', main, 'DATABASE_PASSWORD']);
        logins.push([
          `${name} migrate`,
          environmentOf(objects, migrate).MIGRATION_USER ?? '',
          migrate,
          'MIGRATION_PASSWORD',
        ]);
      }
      for (const [who, user, c, variable] of logins) {
        const created = users.get(user);
        assert.ok(created, `${who} logs in as ${user}, which 10-users.sh does not create`);
        const key = c.env?.find((v) => v.name === variable)?.valueFrom?.secretKeyRef?.key;
        assert.equal(key, keyOfPassword.get(created.password), `${who}: ${variable}`);
      }
      // Debezium: the connector's user, whose password Connect reads from the mounted Secret key.
      assert.equal(keyOfPassword.get(users.get(k8sConnectorSettings.user)?.password ?? ''), debeziumPasswordKey);
    });
  });
}

/** The users support/components/provisioning.ts creates for the other environments, and their grants, as it runs. */
async function harnessUsers(): Promise<Map<string, string[]>> {
  const users = new Map<string, string[]>();
  const admin = {
    query: async (sql: string, values?: unknown[]) => {
      const [user] = (values ?? []) as string[];
      if (sql.startsWith('CREATE USER') && user) users.set(user, []);
      const grant = /^GRANT ([A-Z ,]+) ON (\S+) TO/.exec(sql);
      if (grant && user) {
        const privileges = (grant[1] ?? '')
          .split(',')
          .map((p) => p.trim())
          .sort()
          .join(', ');
        users.get(user)?.push(`${privileges} ON ${grant[2]}`);
      }
      return [[], []];
    },
  } as unknown as mysql.Connection;
  await provisionDatabase(admin, newPasswords(), '%');
  return users;
}
