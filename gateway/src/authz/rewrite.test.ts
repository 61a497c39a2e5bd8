import { print } from 'graphql';
import { afterAll, beforeAll, describe as group, expect, it } from 'vitest';
import { createAccessChecker, policyScopes, principalKey, principalScopes } from './access.js';
import { answer, describe, loadEngine, principal, rewrite, type Engine } from '../../../test/helpers/authz-harness.js';

/**
 * The rewrite engine in process: (policy, API schema, document, principal) → rewritten document
 * and denied paths, then (rewrite, executed data, variables) → the client's answer. The same
 * engine runs behind the gateway; test/authz-*.test.ts prove it over HTTP.
 */
let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});
afterAll(() => engine.stop());

const anonymous = null;
const reader = principal('accounts:read');
const clean = (text: string) => text.replace(/\s+/g, ' ').trim();

group('rewriting before planning', () => {
  it('leaves an operation with nothing denied alone (the original document and plan are used)', () => {
    expect(rewrite(engine, '{ notice user(id: "u1") { displayName profile { bio } } }', anonymous)).toBeNull();
    expect(rewrite(engine, '{ user(id: "u1") { email taxId } }', principal('pii:read'))).toBeNull();
  });

  it('removes a denied field and records its response path by alias', () => {
    const result = rewrite(engine, '{ user(id: "u1") { displayName a: email b: email } }', reader)!;
    expect(clean(result.source)).toBe('{ user(id: "u1") { displayName } }');
    expect(describe(result)).toEqual(['User.email @ user?.a? -> 1', 'User.email @ user?.b? -> 1']);
  });

  it('gives a selection set left empty a __typename placeholder under the reserved alias', () => {
    const result = rewrite(engine, '{ notice user(id: "u1") { email } }', anonymous)!;
    expect(clean(result.source)).toBe('{ notice user(id: "u1") { __authz_typename: __typename } }');
    expect(result.placeholders).toEqual([[{ kind: 'key', key: 'user', nullable: true }]]);
  });

  it('keeps the root valid when every root field is removed, mutations included', () => {
    expect(clean(rewrite(engine, '{ auditSummary }', anonymous)!.source)).toBe('{ __authz_typename: __typename }');
    const mutation = rewrite(engine, 'mutation Rename { renameUser(id: "u1", name: "Ada") { id } }', reader)!;
    expect(clean(mutation.source)).toBe('mutation Rename { __authz_typename: __typename }');
    expect(describe(mutation)).toEqual(['Mutation.renameUser @ renameUser? -> 0']);
  });

  it('inlines named fragments so each use has its own path', () => {
    const result = rewrite(
      engine,
      `query Two { first: user(id: "u1") { ...Card } second: user(id: "u2") { ...Card } }
       fragment Card on User { displayName email }`,
      anonymous,
    )!;
    expect(clean(result.source)).toBe('query Two { first: user(id: "u1") { ... on User { displayName } } second: user(id: "u2") { ... on User { displayName } } }');
    expect(describe(result)).toEqual(['User.email @ first?.email? -> 1', 'User.email @ second?.email? -> 1']);
  });

  it('removes a field denied on one member of a union only, guarded by the runtime type', () => {
    const result = rewrite(engine, '{ search(term: "a") { ... on User { displayName email } ... on Team { name budget } } }', principal('finance:read'))!;
    expect(clean(result.source)).toBe('{ search(term: "a") { ... on User { displayName } ... on Team { name budget } __authz_typename: __typename } }');
    expect(describe(result)).toEqual(['User.email @ search!.[]!.email?<User> -> 2']);
  });

  it('reads an interface field from the implementations that allow it and denies it on the others', () => {
    const result = rewrite(engine, '{ members { id contact } }', anonymous)!;
    expect(clean(result.source)).toBe('{ members { id ... on Bot { contact } __authz_typename: __typename } }');
    expect(describe(result)).toEqual(['User.contact @ members!.[]!.contact?<User> -> 2']);
  });

  it('removes an interface field denied on every implementation under the interface coordinate', () => {
    const result = rewrite(engine, '{ members { ... on Bot { id apiKeyHint } } }', anonymous)!;
    expect(describe(result)).toEqual(['Bot.apiKeyHint @ members!.[]!.apiKeyHint?<Bot> -> 2']);
    expect(clean(result.source)).toBe('{ members { ... on Bot { id } __authz_typename: __typename } }');
  });

  it('denies a field whose type carries a type-level policy', () => {
    const result = rewrite(engine, '{ orders { item invoice { number } } }', reader)!;
    expect(clean(result.source)).toBe('{ orders { item } }');
    expect(describe(result)).toEqual(['Order.invoice @ orders!.[]!.invoice? -> 2']);
  });

  it('removes denied fields under @skip/@include, keeping the directives and recording the conditions', () => {
    const result = rewrite(
      engine,
      'query($withEmail: Boolean!, $hideBalance: Boolean = false) { user(id: "u1") { displayName email @include(if: $withEmail) balance @skip(if: $hideBalance) taxId @skip(if: true) } }',
      anonymous,
    )!;
    expect(clean(result.source)).toBe('query ($withEmail: Boolean!, $hideBalance: Boolean = false) { user(id: "u1") { displayName } }');
    expect(describe(result)).toEqual([
      'User.email @ user?.email? -> 1 if include:$withEmail',
      'User.balance @ user?.balance? -> 1 if skip:$hideBalance',
      'User.taxId @ user?.taxId! -> 0 if never',
    ]);
  });

  it('moves the null of a non-null field up to the nearest nullable position, through lists', () => {
    const result = rewrite(engine, '{ user(id: "u1") { taxId profile { salary } } recentUsers { taxId } users { taxId } auditSummary }', anonymous)!;
    expect(describe(result)).toEqual([
      'User.taxId @ user?.taxId! -> 0',
      'Profile.salary @ user?.profile!.salary! -> 0',
      'User.taxId @ recentUsers?.[]?.taxId! -> 1',
      'User.taxId @ users!.[]!.taxId! -> -1',
      'Query.auditSummary @ auditSummary! -> -1',
    ]);
  });

  it('refuses an operation that fragments would expand beyond the inlining bound', () => {
    const fragments = Array.from({ length: 20 }, (_, i) => `fragment F${i} on User { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const query = `{ user(id: "u1") { ...F0 } } ${fragments} fragment F20 on User { id }`;
    expect(() => rewrite(engine, query, anonymous)).toThrow('the operation expands to more than 50000 selections');
  });
});

group('answering for removed fields', () => {
  it('writes null and one error per alias, in the client field order', () => {
    const result = rewrite(engine, '{ user(id: "u1") { a: email displayName b: email } }', reader)!;
    expect(answer(result, { user: { displayName: 'Ada' } })).toBe(
      JSON.stringify({
        data: { user: { a: null, displayName: 'Ada', b: null } },
        errors: [
          { message: 'Not authorized to read User.email', path: ['user', 'a'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'User.email' } },
          { message: 'Not authorized to read User.email', path: ['user', 'b'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'User.email' } },
        ],
      }),
    );
  });

  it('removes placeholders and nulls the removed field inside them', () => {
    const result = rewrite(engine, '{ notice user(id: "u1") { email } }', anonymous)!;
    expect(answer(result, { notice: 'hi', user: { __authz_typename: 'User' } })).toBe(
      JSON.stringify({
        data: { notice: 'hi', user: { email: null } },
        errors: [{ message: 'Not authorized to read User.email', path: ['user', 'email'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'User.email' } }],
      }),
    );
  });

  it('reports no error where the parent is null or the list is empty (nothing was withheld)', () => {
    const result = rewrite(engine, '{ user(id: "nobody") { email } recentUsers { email } }', anonymous)!;
    expect(answer(result, { user: null, recentUsers: [] })).toBe(JSON.stringify({ data: { user: null, recentUsers: [] } }));
  });

  it('nulls the nearest nullable ancestor of a non-null field, reporting the field path', () => {
    const result = rewrite(engine, '{ notice user(id: "u1") { displayName profile { bio salary } } recentUsers { displayName taxId } }', anonymous)!;
    const data = {
      notice: 'hi',
      user: { displayName: 'Ada', profile: { bio: 'math' } },
      recentUsers: [{ displayName: 'Ada' }, null, { displayName: 'Grace' }],
    };
    const code = { code: 'UNAUTHORIZED_FIELD_OR_TYPE' };
    expect(JSON.parse(answer(result, data))).toEqual({
      data: { notice: 'hi', user: null, recentUsers: [null, null, null] },
      errors: [
        { message: 'Not authorized to read Profile.salary', path: ['user', 'profile', 'salary'], extensions: { ...code, coordinate: 'Profile.salary' } },
        { message: 'Not authorized to read User.taxId', path: ['recentUsers', 0, 'taxId'], extensions: { ...code, coordinate: 'User.taxId' } },
        { message: 'Not authorized to read User.taxId', path: ['recentUsers', 2, 'taxId'], extensions: { ...code, coordinate: 'User.taxId' } },
      ],
    });
  });

  it('nulls the whole data when no position up to the root is nullable', () => {
    const result = rewrite(engine, '{ notice auditSummary }', anonymous)!;
    expect(JSON.parse(answer(result, { notice: 'hi' }))).toEqual({
      data: null,
      errors: [
        { message: 'Not authorized to read Query.auditSummary', path: ['auditSummary'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'Query.auditSummary' } },
      ],
    });
  });

  it('answers a union member field only on the objects of that type', () => {
    const result = rewrite(engine, '{ search(term: "a") { ... on Team { name budget } ... on User { displayName } } }', anonymous)!;
    const data = {
      search: [
        { name: 'Core', __authz_typename: 'Team' },
        { displayName: 'Ada', __authz_typename: 'User' },
      ],
    };
    expect(answer(result, data)).toBe(
      JSON.stringify({
        data: { search: [{ name: 'Core', budget: null }, { displayName: 'Ada' }] },
        errors: [{ message: 'Not authorized to read Team.budget', path: ['search', 0, 'budget'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'Team.budget' } }],
      }),
    );
  });

  it('checks the runtime type at the fragment, for a field removed deeper below it', () => {
    const result = rewrite(engine, '{ search(term: "") { ... on User { orders { item margin } } ... on Team { name } } }', principal('pii:read'))!;
    expect(clean(result.source)).toBe('{ search(term: "") { ... on User { orders { item } } ... on Team { name } __authz_typename: __typename } }');
    expect(describe(result)).toEqual(['Order.margin @ search!.[]!.orders!<User>.[]!.margin? -> 4']);
    const data = {
      search: [
        { orders: [{ item: 'Anvil' }], __authz_typename: 'User' },
        { name: 'Core', __authz_typename: 'Team' },
      ],
    };
    expect(JSON.parse(answer(result, data))).toEqual({
      data: { search: [{ orders: [{ item: 'Anvil', margin: null }] }, { name: 'Core' }] },
      errors: [
        {
          message: 'Not authorized to read Order.margin',
          path: ['search', 0, 'orders', 0, 'margin'],
          extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'Order.margin' },
        },
      ],
    });
  });

  it('keeps an interface field on the implementations that allow it', () => {
    const result = rewrite(engine, '{ members { contact id } }', anonymous)!;
    const data = {
      members: [
        { id: 'u1', __authz_typename: 'User' },
        { contact: 'ops@globex.test', id: 'b1', __authz_typename: 'Bot' },
      ],
    };
    expect(answer(result, data)).toBe(
      JSON.stringify({
        data: {
          members: [
            { contact: null, id: 'u1' },
            { contact: 'ops@globex.test', id: 'b1' },
          ],
        },
        errors: [
          { message: 'Not authorized to read User.contact', path: ['members', 0, 'contact'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'User.contact' } },
        ],
      }),
    );
  });

  it('answers a removed field under @include/@skip only when the variables request it', () => {
    const result = rewrite(engine, 'query($e: Boolean!) { user(id: "u1") { displayName email @include(if: $e) } }', anonymous)!;
    expect(answer(result, { user: { displayName: 'Ada' } }, { e: false })).toBe(JSON.stringify({ data: { user: { displayName: 'Ada' } } }));
    expect(answer(result, { user: { displayName: 'Ada' } }, { e: true })).toBe(
      JSON.stringify({
        data: { user: { displayName: 'Ada', email: null } },
        errors: [{ message: 'Not authorized to read User.email', path: ['user', 'email'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'User.email' } }],
      }),
    );
  });

  it('merges the field order of every occurrence of a selection (fragments included)', () => {
    const result = rewrite(engine, '{ user(id: "u1") { displayName } ...Extra } fragment Extra on Query { user(id: "u1") { email id } }', anonymous)!;
    expect(answer(result, { user: { displayName: 'Ada', id: 'u1' } })).toBe(
      JSON.stringify({
        data: { user: { displayName: 'Ada', email: null, id: 'u1' } },
        errors: [{ message: 'Not authorized to read User.email', path: ['user', 'email'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'User.email' } }],
      }),
    );
  });
});

group('caller rights', () => {
  it('keys rewrites by authentication and the policy scopes held, sorted', () => {
    const relevant = policyScopes(engine.policy);
    expect([...relevant].sort()).toEqual(['accounts:write', 'admin', 'billing:read', 'finance:read', 'finance:write', 'pii:read']);
    expect(principalKey(principalScopes(null), relevant)).toBe('anon:');
    expect(principalKey(principalScopes(principal('unrelated pii:read admin')), relevant)).toBe('auth:admin pii:read');
    expect(principalKey(principalScopes(principal('admin pii:read')), relevant)).toBe('auth:admin pii:read');
  });

  it('gives callers with different scopes different rewrites of one operation', () => {
    const query = '{ user(id: "u1") { email balance } }';
    expect(print(rewrite(engine, query, principal('pii:read'))!.document)).not.toBe(print(rewrite(engine, query, principal('finance:read'))!.document));
    expect(rewrite(engine, query, principal('pii:read'))!.queryHash).not.toBe(rewrite(engine, query, principal('finance:read'))!.queryHash);
  });

  it('lets @authenticated through for any signed-in caller, never for anonymous', () => {
    const checker = (caller: ReturnType<typeof principal> | null) => createAccessChecker(engine.policy, engine.schema, principalScopes(caller));
    const query = engine.schema.getQueryType()!;
    expect(checker(null).deniedOn(query, 'me', new Set(['Query']))).toEqual(['Query']);
    expect(checker(principal('')).deniedOn(query, 'me', new Set(['Query']))).toEqual([]);
  });
});
