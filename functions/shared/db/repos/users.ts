// Users: profile items listed through GSI1 (`USERS`).
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { User } from '../../types.js';
import { newId } from '../../ids.js';
import { queryGsi1Partition, stripKeys, type Db } from '../client.js';
import { GSI1, keys } from '../keys.js';

export type UserInput = Omit<User, 'id' | 'createdAt' | 'updatedAt'>;

function toItem(user: User) {
  return { ...keys.user(user.id), ...keys.userList(user.createdAt, user.id), entity: 'user', ...user };
}

function fromItem(item: Record<string, unknown>): User {
  const { entity: _e, ...rest } = stripKeys(item);
  return rest as unknown as User;
}

export function createUsersRepo(db: Db, now: () => number = Date.now) {
  return {
    async create(input: UserInput): Promise<User> {
      const ts = new Date(now()).toISOString();
      const user: User = { ...input, id: newId('usr'), createdAt: ts, updatedAt: ts };
      await db.doc.send(
        new PutCommand({ TableName: db.tableName, Item: toItem(user), ConditionExpression: 'attribute_not_exists(PK)' }),
      );
      return user;
    },

    async get(id: string): Promise<User | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.user(id) }));
      return out.Item ? fromItem(out.Item) : null;
    },

    async list(): Promise<User[]> {
      return (await queryGsi1Partition(db, keys.userListPartition())).map((item) => fromItem(item));
    },

    /** Replace the editable fields; returns null when the user does not exist. */
    async update(id: string, patch: Partial<UserInput>): Promise<User | null> {
      const current = await this.get(id);
      if (!current) return null;
      const user: User = { ...current, ...patch, id, createdAt: current.createdAt, updatedAt: new Date(now()).toISOString() };
      await db.doc.send(
        new PutCommand({ TableName: db.tableName, Item: toItem(user), ConditionExpression: 'attribute_exists(PK)' }),
      );
      return user;
    },

    async delete(id: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.user(id) }));
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
